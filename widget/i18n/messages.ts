/**
 * The shape of the widget's message catalog: every string an investor can see, grouped by where it
 * appears. English (`en.ts`) is bundled; every other locale (`locales/*.ts`) is its own small file
 * loaded on demand, and each is type-checked complete against {@link Messages}.
 *
 * Conventions every translation keeps:
 * - `{name}` is a placeholder, filled by `format()` (`format.ts`); a translation keeps exactly the
 *   placeholders of the English text (tests check it).
 * - A {@link Plural} is chosen by `params.count` with `Intl.PluralRules`; each locale gives the forms its
 *   language needs (English `one`/`other`, Arabic all six, Japanese `other` only).
 * - Texts are plain text, never HTML: they are rendered as text.
 *
 * Types only, plus the list of error codes.
 */
import type { FieldRule } from '../../proxy/contract/field-error.js';
import type { KycField } from '../../proxy/contract/kyc-fields.js';

/** The writing direction of a locale, for the element's `dir`. */
export type TextDirection = 'ltr' | 'rtl';

/** A CLDR plural category, as `Intl.PluralRules#select` returns it. */
export type PluralCategory = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';

/** A text with one form per plural category of `params.count`; `other` is the fallback every locale has. */
export type Plural = { readonly other: string } & { readonly [category in Exclude<PluralCategory, 'other'>]?: string };

/** One message: a plain template, or plural forms of one. */
export type Text = string | Plural;

/**
 * Every error code the widget explains: the proxy's `error.code` on widget routes
 * (`proxy/openapi/*-paths.ts`), the widget's own (`widget/api/api-error.ts`), and `unknown` for any
 * other.
 */
export const ERROR_CODES = [
  'invalid_json',
  'invalid_request',
  'invalid_submission',
  'body_too_large',
  'unsupported_media_type',
  'code_wrong',
  'code_expired',
  'code_too_many_attempts',
  'resend_too_soon',
  'rate_limited',
  'mail_unavailable',
  'provider_timeout',
  'provider_unavailable',
  'provider_busy',
  'provider_error',
  'kyc_closed',
  'submission_in_progress',
  'investor_not_found',
  'no_submission',
  'origin_not_allowed',
  'unknown_sale',
  'unauthorized',
  'session_expired',
  'reauth_needed',
  'temporarily_unavailable',
  'internal_error',
  'server_error',
  'invalid_response',
  'network_error',
  'timeout',
  'unknown',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The widget's own checks of a file before it is uploaded (storage accepts JPEG, PNG, PDF of 200 KB–20 MB). */
export type UploadRule = 'file_type' | 'too_small' | 'too_large';

/** The proxy's refusal of an address that needs a wallet proof (issue 8), shown on the address field. */
export type WalletRule = 'wallet_proof_required';

/**
 * Why proving the address with the wallet stopped: the wallet's reasons (`widget/wallet/wallet-types.ts`),
 * the wallet module not loading, and the proxy refusing the signed message.
 */
export type WalletFailureName =
  | 'noWallet'
  | 'rejected'
  | 'unauthorized'
  | 'disconnected'
  | 'unknownChain'
  | 'wrongChain'
  | 'pending'
  | 'accountChanged'
  | 'failed'
  | 'loadFailed'
  | 'proofRefused'
  | 'expired';

/** What a `format` error says depends on what the field holds. */
export type FormatKind = 'text' | 'birthdate' | 'ethereumAddress' | 'amount' | 'file' | 'email' | 'code';

/**
 * The message of each field rule ({@link FieldRule} of `proxy/contract/field-error.ts`, and
 * {@link UploadRule}), shown next to the field, so it does not repeat the field's name. Placeholders:
 * `too_long` and `too_many_files` are plurals of `{count}` (the rule's `max`); `checksum` has
 * `{suggestion}`; `min_amount` `{min}`; `unknown_field` `{property}`; `file_size` `{min}`, `{max}`; the
 * upload rules `{size}`, `{min}`, `{max}` (formatted sizes).
 */
export type FieldErrorMessages = { readonly [rule in Exclude<FieldRule, 'format'> | UploadRule | WalletRule]: Text } & {
  readonly format: { readonly [kind in FormatKind]: string };
};

/** The steps the element shows (`widget/flow/journey-steps.ts`). */
export type StepName = 'email' | 'code' | 'personal' | 'address' | 'documents' | 'wallet' | 'review' | 'status';

/** Why a reviewer sent a case back (`proxy/status/investor-status.ts`). */
export type IssueReasonName = 'data_mismatch' | 'document_issue' | 'other_issue';

/** Whitelisting of the investor's address. */
export type WhitelistName = 'unprocessed' | 'started' | 'done' | 'failed';

/** Every user-visible string of the widget. */
export interface Messages {
  /** Shared by every step. */
  readonly common: {
    readonly widgetTitle: string;
    /** `{sale}`: the sale's name. */
    readonly widgetTitleForSale: string;
    /** `{attributes}`: the missing attribute names as a list; plural of `{count}`. */
    readonly notConfigured: Plural;
    readonly loading: string;
    readonly next: string;
    readonly back: string;
    readonly edit: string;
    readonly cancel: string;
    readonly retry: string;
    readonly close: string;
    readonly remove: string;
    readonly yes: string;
    readonly no: string;
    /** Next to a label: the field may be left empty. */
    readonly optional: string;
    /** `{current}`, `{total}`. */
    readonly stepProgress: string;
    /** Accessible name of the progress indicator. */
    readonly progressLabel: string;
    readonly steps: { readonly [step in StepName]: string };
    /** Above the list of problems of a step; plural of `{count}`. */
    readonly errorSummary: Plural;
    /** One problem in that list: `{field}`, `{message}`. */
    readonly fieldError: string;
    /** After a `Retry-After`; plural of `{count}` seconds. */
    readonly retryIn: Plural;
    readonly draftRestored: string;
    readonly offline: string;
    /** `{email}`. */
    readonly signedInAs: string;
    readonly signOut: string;
    /** Placeholder of the searchable country and nationality lists. */
    readonly searchPlaceholder: string;
    /** `{query}`. */
    readonly noMatch: string;
    /** For screen readers as the list filters; plural of `{count}`. */
    readonly resultCount: Plural;
  };
  /** Step 1: the email address. */
  readonly email: {
    readonly title: string;
    readonly intro: string;
    readonly label: string;
    readonly submit: string;
    readonly sending: string;
  };
  /** Step 2: the one-time code. */
  readonly code: {
    readonly title: string;
    /** `{email}`; plural of `{count}` minutes of validity. */
    readonly intro: Plural;
    readonly label: string;
    readonly submit: string;
    readonly verifying: string;
    /** After a wrong code; plural of `{count}` attempts. */
    readonly attemptsLeft: Plural;
    readonly notReceived: string;
    readonly resend: string;
    /** The visible cooldown; plural of `{count}` seconds. */
    readonly resendIn: Plural;
    /** `{email}`. */
    readonly resent: string;
    readonly changeEmail: string;
  };
  /** Names, birth date, nationality, identity document number. */
  readonly personal: {
    readonly title: string;
    readonly intro: string;
    readonly nameHint: string;
    /** The 18–100 rule, explained before it can be broken. */
    readonly birthdateHint: string;
    readonly day: string;
    readonly month: string;
    readonly year: string;
    readonly chooseMonth: string;
    readonly documentIdNumberHint: string;
    /** Shown next to a nationality that needs a proof of residence. */
    readonly residenceProofNotice: string;
  };
  /** Country of residence and postal address. */
  readonly address: {
    readonly title: string;
    readonly intro: string;
    readonly countryHint: string;
    /** Next to a blocked country in the list: it stays visible, explained. */
    readonly blockedCountryTag: string;
    /** `{country}`. */
    readonly blockedCountryNotice: string;
    readonly stateHint: string;
  };
  /** The document, the selfie, the residence proof, investor proofs. */
  readonly documents: {
    readonly title: string;
    readonly intro: string;
    readonly documentIdHint: string;
    readonly selfieHint: string;
    readonly residenceProofHint: string;
    readonly investorQuestion: string;
    /** Plural of `{count}` proofs allowed. */
    readonly investorHint: Plural;
    readonly chooseFile: string;
    /** Accessible name of a file input while `chooseFile` shows (it contains that text): `{field}`. */
    readonly chooseFileFor: string;
    readonly takePhoto: string;
    /** Accessible name of the camera input (its visible label is `takePhoto`, which it contains): `{field}`. */
    readonly takePhotoFor: string;
    readonly replaceFile: string;
    /** Accessible name of the file input once `replaceFile` shows (it contains that text): `{field}`. */
    readonly replaceFileFor: string;
    readonly addAnother: string;
    /** Accessible name of the file input once `addAnother` shows (it contains that text): `{field}`. */
    readonly addAnotherFor: string;
    /** `{min}`, `{max}`: formatted sizes. */
    readonly fileRequirements: string;
  };
  /** Upload progress of one file. */
  readonly uploads: {
    /** Accessible name of a progress bar: `{name}`. */
    readonly progressLabel: string;
    /** `{percent}`: formatted. */
    readonly progress: string;
    readonly uploaded: string;
    readonly cancel: string;
    readonly cancelled: string;
    /** `{attempt}`, `{max}`. */
    readonly retrying: string;
    readonly failed: string;
    /** The presigned form expired: a fresh one is fetched. */
    readonly renewing: string;
    /** `{name}`, `{size}`. */
    readonly fileSummary: string;
    /**
     * Stands for a file's name when the form is prefilled from the last submission: the provider keeps
     * only the file, not its name.
     */
    readonly previousFile: string;
    /** A chosen file's type and size are being checked, before upload. */
    readonly checking: string;
    /** A photo over the size limit is being shrunk in the browser, before upload. */
    readonly resizing: string;
    /** Text alternative of a file's preview image: `{name}`. */
    readonly previewAlt: string;
    /**
     * Accessible names of a file's buttons: `{name}`. Each contains its button's visible text (WCAG 2.5.3):
     * `removeFile` contains `common.remove`, `retryFile` `common.retry`, `cancelFile` `uploads.cancel`.
     */
    readonly removeFile: string;
    readonly retryFile: string;
    readonly cancelFile: string;
  };
  /** The Ethereum address. */
  readonly wallet: {
    readonly title: string;
    readonly intro: string;
    readonly placeholder: string;
    readonly exchangeWarning: string;
    readonly checking: string;
    readonly verified: string;
    /** An all-lowercase (or all-uppercase) address is recorded checksummed: `{address}`. */
    readonly checksummedForm: string;
    /** Button that puts the offered checksummed form in the field: `{suggestion}`. */
    readonly useSuggestion: string;
    /** The proxy's check failed (network, provider), with a retry: the investor may go on regardless. */
    readonly checkUnavailable: string;
    /** Proof of ownership (issue 8): what connecting and signing is for, above the button. */
    readonly proofIntro: string;
    readonly connect: string;
    /** While the wallet is asked for its account and network. */
    readonly connecting: string;
    /** Legend of the list of wallets when the browser has several. */
    readonly chooseWallet: string;
    /** The name of a wallet that gives none (the page's `window.ethereum`, a proof read back after a reload). */
    readonly browserWallet: string;
    /** Above the message the wallet will ask to sign (shown before the wallet's prompt). */
    readonly signIntro: string;
    /** `{wallet}`: its name. */
    readonly sign: string;
    readonly signing: string;
    /** The address in the field is proven: `{wallet}` (`browserWallet` when its name is not known, after a reload). */
    readonly provenWith: string;
    /** The address in the field was typed, not proven. */
    readonly notProven: string;
    /** Why proving stopped; `unknownChain` and `wrongChain` have `{chainId}`. Nothing typed is lost. */
    readonly failures: { readonly [reason in WalletFailureName]: string };
  };
  /** The estimated participation amount. */
  readonly amount: {
    readonly hint: string;
    /** `{min}`. */
    readonly minimum: string;
  };
  /** Every answer before submitting. */
  readonly review: {
    readonly title: string;
    readonly intro: string;
    /** Accessible name of a section's edit link: `{section}`. */
    readonly editSection: string;
    readonly notProvided: string;
    /** Plural of `{count}` files. */
    readonly fileCount: Plural;
    readonly confirmationsTitle: string;
    /** Text of the link to a confirmation's full text, which opens in a new tab. */
    readonly confirmationLink: string;
    readonly confirmationRequired: string;
    readonly submit: string;
    readonly submitting: string;
  };
  /** Where the case stands, live. */
  readonly status: {
    readonly title: string;
    readonly notSubmitted: string;
    readonly submitted: string;
    readonly pendingTitle: string;
    readonly pendingBody: string;
    readonly needsActionTitle: string;
    readonly needsActionBody: string;
    readonly reasons: { readonly [reason in IssueReasonName]: string };
    readonly fix: string;
    readonly approvedTitle: string;
    readonly approvedBody: string;
    readonly deniedTitle: string;
    readonly deniedBody: string;
    readonly whitelistTitle: string;
    readonly whitelist: { readonly [state in WhitelistName]: string };
    /** Plural of `{count}` submissions. */
    readonly submissions: Plural;
    readonly live: string;
    readonly reconnecting: string;
    readonly unavailable: string;
  };
  /** A message per error code. */
  readonly errors: { readonly [code in ErrorCode]: string };
  /** A message per field rule. */
  readonly fieldErrors: FieldErrorMessages;
  /** The label of every KYC field (`proxy/contract/kyc-fields.ts`). */
  readonly fields: { readonly [field in KycField]: string };
}

/** A locale's catalog as the widget uses it. */
export interface LocaleCatalog {
  /** The BCP 47 tag it was loaded for, e.g. `de`. */
  readonly locale: string;
  readonly dir: TextDirection;
  readonly messages: Messages;
}
