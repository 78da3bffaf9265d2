/**
 * Test support for the allowlist export: investors who submitted their KYC through the real proxy routes
 * with an address of their own (an ethers wallet holding its key), brought to a review outcome with the
 * sandbox's reviewer actions, and, when asked, with a proof of owning their address signed by that key.
 */
import { Wallet, type HDNodeWallet } from 'ethers';
import { walletProofRecords, type WalletProofRecord } from '../../../proxy/wallet/wallet-proof-records.js';
import { api, signIn, uniqueEmail, uploadDocuments, validSubmission, type Investor } from '../support/investor.js';
import { CLIENT_ID, SALE_ID, SALE_ORIGIN, type Stack } from '../support/proxy-stack.js';

/** Where a case ends up after review. */
export type Outcome = 'whitelisted' | 'approved_not_whitelisted' | 'denied' | 'pending' | 'needs_action';

/** An investor of the export tests. */
export interface CaseInvestor extends Investor {
  wallet: HDNodeWallet;
  /** The provider user id as a number. */
  id: number;
}

/** The EIP-4361 message an investor signs for `address` (the proxy's challenge text, built here by hand). */
export function siweMessage(address: string, nonce: string, issuedAt: Date): string {
  const expires = new Date(issuedAt.getTime() + 10 * 60_000);
  return [
    `${new URL(SALE_ORIGIN).host} wants you to sign in with your Ethereum account:`,
    address,
    '',
    'I control this address and submit it for the KYC of the Acme Token Sale token sale.',
    '',
    `URI: ${SALE_ORIGIN}`,
    'Version: 1',
    'Chain ID: 1',
    `Nonce: ${nonce}`,
    `Issued At: ${issuedAt.toISOString()}`,
    `Expiration Time: ${expires.toISOString()}`,
  ].join('\n');
}

/**
 * Keep a proof of `investor` owning `address` (default: their own wallet's) in the proxy's proof records,
 * signed with their key (EIP-191 `personal_sign`), as the proxy's proof route keeps a verified one.
 */
export async function proveAddress(stack: Stack, investor: CaseInvestor, options: { address?: string; store?: Stack['proxies'][number]['deps']['store'] } = {}): Promise<WalletProofRecord> {
  const address = options.address ?? investor.wallet.address;
  const issuedAt = new Date();
  const message = siweMessage(address, `n${investor.id}x${Date.now().toString(36)}abcdefghij`, issuedAt);
  const record: WalletProofRecord = {
    sale: SALE_ID,
    userId: investor.id,
    address,
    message,
    signature: await investor.wallet.signMessage(message),
    method: 'eip191',
    provenAt: issuedAt.toISOString(),
  };
  await walletProofRecords(options.store ?? (stack.proxies[0] as Stack['proxies'][number]).deps.store).saveProven(record);
  return record;
}

/** Sign in a new investor, upload their documents and submit their KYC with `address` (default: a new wallet's). */
export async function submitInvestor(stack: Stack, options: { address?: string; before?: (investor: CaseInvestor) => Promise<unknown> } = {}): Promise<CaseInvestor> {
  const wallet = Wallet.createRandom();
  const signedIn = await signIn(stack, uniqueEmail('allowlist'));
  const investor: CaseInvestor = { ...signedIn, wallet, id: Number(signedIn.userId) };
  await options.before?.(investor);
  const keys = await uploadDocuments(stack, investor.token);
  const submitted = await api(stack, 'kyc', { token: investor.token, body: validSubmission(keys, { ethereumAddress: options.address ?? wallet.address }) });
  if (submitted.status !== 201 && submitted.status !== 200) throw new Error(`POST kyc answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
  return investor;
}

/** Bring a submitted case to `outcome` with the sandbox's reviewer actions. */
export function review(stack: Stack, userId: number, outcome: Outcome): void {
  const store = stack.sandbox.store;
  switch (outcome) {
    case 'whitelisted':
      store.setAmlStatus(CLIENT_ID, userId, 'cleared', 'kyc_system');
      store.qualify(CLIENT_ID, userId, 'Admin');
      store.setWhitelistStatus(CLIENT_ID, userId, 'done');
      return;
    case 'approved_not_whitelisted':
      store.setAmlStatus(CLIENT_ID, userId, 'cleared', 'kyc_system');
      store.qualify(CLIENT_ID, userId, 'Admin');
      store.setWhitelistStatus(CLIENT_ID, userId, 'started');
      return;
    case 'denied':
      // Whitelisting done too, so that only the review decides: a denied case must stay off the list.
      store.setAmlStatus(CLIENT_ID, userId, 'cleared', 'kyc_system');
      store.deny(CLIENT_ID, userId, 'Admin');
      store.setWhitelistStatus(CLIENT_ID, userId, 'done');
      return;
    case 'pending':
      store.setAmlStatus(CLIENT_ID, userId, 'cleared', 'kyc_system');
      store.setWhitelistStatus(CLIENT_ID, userId, 'done');
      return;
    case 'needs_action':
      store.setAmlStatus(CLIENT_ID, userId, 'cleared', 'kyc_system');
      store.reportIssue(CLIENT_ID, userId, ['document_issue'], 'Admin');
      store.setWhitelistStatus(CLIENT_ID, userId, 'done');
      return;
  }
}
