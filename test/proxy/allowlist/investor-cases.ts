/**
 * Test support for the allowlist export: investors who submitted their KYC through the real proxy routes
 * with an address of their own (an ethers wallet holding its key), brought to a review outcome with the
 * sandbox's reviewer actions, and, when asked, with a proof of owning their address made through the
 * proxy's wallet routes with that key.
 */
import { Wallet, type HDNodeWallet } from 'ethers';
import { api, signIn, uniqueEmail, uploadDocuments, validSubmission, type Investor } from '../support/investor.js';
import { CLIENT_ID, type Stack } from '../support/proxy-stack.js';

/** Where a case ends up after review. */
export type Outcome = 'whitelisted' | 'approved_not_whitelisted' | 'denied' | 'pending' | 'needs_action';

/** An investor of the export tests. */
export interface CaseInvestor extends Investor {
  wallet: HDNodeWallet;
  /** The provider user id as a number. */
  id: number;
}

/** What the proxy answered to a verified proof. */
export interface ProvenAddress {
  address: string;
  method: 'eip191' | 'eip1271';
  provenAt: string;
  /** The message the wallet signed, and its signature, as sent. */
  message: string;
  signature: string;
}

/**
 * Prove that `investor` controls `wallet` (default: their own) through the proxy's wallet routes, as the
 * widget does: ask for the Sign-In with Ethereum challenge, sign its text with the key (EIP-191
 * `personal_sign`), send the proof. Throws with the proxy's answer when a step fails.
 */
export async function proveAddress(stack: Stack, investor: CaseInvestor, wallet: HDNodeWallet = investor.wallet): Promise<ProvenAddress> {
  const challenge = await api(stack, 'wallet/challenges', { token: investor.token, body: { address: wallet.address, chainId: 1 } });
  if (challenge.status !== 201) throw new Error(`POST wallet/challenges answered ${challenge.status}: ${JSON.stringify(challenge.body)}`);
  const message = challenge.body.message as string;
  const signature = await wallet.signMessage(message);
  const proof = await api(stack, 'wallet/proofs', { token: investor.token, body: { message, signature } });
  if (proof.status !== 201) throw new Error(`POST wallet/proofs answered ${proof.status}: ${JSON.stringify(proof.body)}`);
  return { ...(proof.body as Omit<ProvenAddress, 'message' | 'signature'>), message, signature };
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
