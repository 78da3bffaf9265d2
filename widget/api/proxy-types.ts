/**
 * What the proxy answers on each widget route, as the widget reads it (the proxy's OpenAPI document,
 * `GET /openapi.json`, is the reference). Field names and the field rules come from the shared contract
 * in `proxy/contract/`; the rest mirrors the proxy's routes, which the widget may not import.
 *
 * Types only: nothing here reaches the bundle.
 */
import type { FILE_FIELDS, KycField, KycSubmissionInput } from '../../proxy/contract/kyc-fields.js';
import type { SaleFieldRules } from '../../proxy/contract/kyc-rules.js';

export type { KycField, KycSubmissionInput, SaleFieldRules };

/** A field that holds uploaded files. */
export type FileField = (typeof FILE_FIELDS)[number];

/** The content types the provider accepts for KYC files. */
export type UploadContentType = 'image/jpeg' | 'image/png' | 'application/pdf';

/** A select-box entry: the canonical value to send and the label to show. */
export interface Choice {
  value: string;
  label: string;
}

/** `GET /v1/sales/:sale/config`: what the form needs before anyone signs in. */
export interface SaleConfig {
  sale: { id: string; name: string };
  /** BCP 47 tags the widget may use; the first is the default. */
  locales: string[];
  fields: { collected: KycField[]; required: KycField[] };
  /** The rules the proxy validates with: give them to `validateKycField`/`validateKycSubmission`. */
  rules: SaleFieldRules;
  /** Every country sorted by label; blocked ones are listed (to explain them) but refused. */
  countries: (Choice & { blocked?: true })[];
  nationalities: (Choice & { needsResidenceProof?: true })[];
  uploads: { contentTypes: UploadContentType[]; minBytes: number; maxBytes: number; maxInvestorProofs: number };
  /** Checkboxes to tick before submitting; send `{ [id]: true }`. */
  confirmations: { id: string; label: string; url?: string }[];
  codes: { resendAfterSeconds: number; expiresInSeconds: number };
  /**
   * Proof of wallet ownership (issue 8): whether the investor may, or must, sign a message with their
   * wallet to prove they control the address; the chain the message names; whether an address may still
   * be typed by hand (unproven). Absent from an older proxy: read as `proof: 'off'`.
   */
  wallet?: SaleWalletConfig;
}

/** How a sale treats proof of wallet ownership (`SaleConfig.wallet`). */
export interface SaleWalletConfig {
  proof: 'off' | 'optional' | 'required';
  /** The chain id the signed message names (1: Ethereum mainnet). */
  chainId: number;
  allowTypedAddress: boolean;
}

/** `POST /v1/sales/:sale/codes` (202). */
export interface CodeSent {
  sent: true;
  /** Unix seconds. */
  expiresAt: number;
  /** Wait this long before offering "send again". */
  resendAfterSeconds: number;
}

/** A widget token: `POST …/sessions` (201), `POST …/sessions/refresh`, and the host's `host-sessions`. */
export interface WidgetSession {
  /** Compact JWS; sent only as `Authorization: Bearer …`, never stored, never in a URL. */
  token: string;
  /** Unix seconds. */
  expiresAt: number;
  /** The investor's id at the provider. */
  userId: string;
}

/** One file about to be uploaded (`POST …/uploads`). */
export interface UploadRequestFile {
  field: FileField;
  contentType: UploadContentType;
}

/** A presigned S3 POST form for one file. */
export interface UploadTicket {
  field: FileField;
  /** Position among the files of the same field (investor proofs: 0, 1). */
  index: number;
  contentType: UploadContentType;
  /** The storage key to submit in the KYC field once the file is posted. */
  key: string;
  /** Where to post the form. */
  url: string;
  /** Every form field to post, in this order, before the file. */
  fields: Record<string, string>;
  /**
   * Unix seconds after which the form is refused. Copied from the answer's `expiresAt` by the client so a
   * ticket carries its own expiry.
   */
  expiresAt: number;
}

/** `POST /v1/sales/:sale/uploads`. */
export interface UploadTickets {
  uploads: UploadTicket[];
  minBytes: number;
  maxBytes: number;
  /** Unix seconds; the forms are valid for 15 minutes. */
  expiresAt: number;
}

/** What the investor sees of their case. */
export type InvestorState = 'not_submitted' | 'pending' | 'needs_action' | 'approved' | 'denied';

/** Why a reviewer sent the case back. */
export type IssueReason = 'data_mismatch' | 'document_issue' | 'other_issue';

/** The investor's status (`GET …/kyc`, the status stream's `status` events, the submit answer). */
export interface InvestorStatus {
  state: InvestorState;
  /** The reviewer's reasons when `state` is `needs_action`. */
  reasons: IssueReason[];
  whitelist: 'unprocessed' | 'started' | 'done' | 'failed';
  submissionCount: number;
}

/** Confirmation id → ticked. */
export type Confirmations = Record<string, boolean>;

/** `GET /v1/sales/:sale/kyc/submission`: the last submission's answers (text, dd/mm/yyyy, file keys). */
export type SubmittedAnswers = Partial<Record<KycField, string | string[]>>;

/** `POST /v1/sales/:sale/ethereum-address/check`. */
export interface CheckedAddress {
  /** The EIP-55 checksummed address to submit. */
  address: string;
  wasChecksummed: boolean;
}

/** `POST /v1/sales/:sale/wallet/challenges` (201): the Sign-In with Ethereum message to sign. */
export interface WalletChallenge {
  /** The whole EIP-4361 text the wallet signs, as the proxy built it: shown to the investor first. */
  message: string;
  nonce: string;
  /** ISO-8601. */
  issuedAt: string;
  /** ISO-8601 (10 minutes after `issuedAt`). */
  expiresAt: string;
}

/** A proven address: `POST …/wallet/proofs` (201) and each entry of `GET …/wallet/proofs`. */
export interface WalletProof {
  /** EIP-55 checksummed. */
  address: string;
  /** Recovered from a `personal_sign` signature, or checked by the smart-contract wallet (EIP-1271). */
  method: 'eip191' | 'eip1271';
  /** ISO-8601. */
  provenAt: string;
}
