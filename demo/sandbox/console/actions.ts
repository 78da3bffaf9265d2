/**
 * The review actions of the console (and its CLI): what a reviewer may do to a case, which actions apply
 * in which state, and running one through the store so that the state changes as on the provider and
 * the matching §4 event is emitted (`kyc_status_update`, `kyc_reopen`, `update_ethereum_address`,
 * `user_deleted`).
 *
 * The store refuses what it knows cannot apply (a closed case cannot be qualified, an open one cannot be
 * reopened) with a `ReviewError`. The console adds the rules a reviewer on the real admin UI could not
 * break either: no change to the status a case already has, and whitelisting only of an approved case,
 * in the order started → done | failed (failed may be started again).
 */
import { checkEthereumAddress } from '../../../proxy/contract/eip55.js';
import { ADMIN_ACTION_TYPES, isCaseClosed, kycStatus, type AdminActionType, type UserKycRow } from '../kyc-model.js';
import { ReviewError, type SandboxStore } from '../store.js';
import { ConsoleError } from './console-error.js';

/** The actions, by the names used in URLs and by the CLI. */
export const REVIEW_ACTION_NAMES = ['qualify', 'deny', 'report', 'aml', 'whitelist', 'reopen', 'eth', 'delete'] as const;
/** One of {@link REVIEW_ACTION_NAMES}. */
export type ReviewActionName = (typeof REVIEW_ACTION_NAMES)[number];

/** The AML results a reviewer (or the AML vendor the console stands in for) can set. */
export const CONSOLE_AML_STATUSES = ['cleared', 'approved', 'rejected', 'failed'] as const;
/** One of {@link CONSOLE_AML_STATUSES}. */
export type ConsoleAmlStatus = (typeof CONSOLE_AML_STATUSES)[number];

/** The whitelisting steps the console can record. */
export const CONSOLE_WHITELIST_STATUSES = ['started', 'done', 'failed'] as const;
/** One of {@link CONSOLE_WHITELIST_STATUSES}. */
export type ConsoleWhitelistStatus = (typeof CONSOLE_WHITELIST_STATUSES)[number];

/** The issue types an admin can report. */
export const ISSUE_TYPES: readonly AdminActionType[] = ADMIN_ACTION_TYPES.map(([name]) => name);

/** A validated action. */
export type ReviewAction =
  | { name: 'qualify' | 'deny' | 'reopen' | 'delete' }
  | { name: 'report'; types: AdminActionType[] }
  | { name: 'aml'; status: ConsoleAmlStatus }
  | { name: 'whitelist'; status: ConsoleWhitelistStatus }
  | { name: 'eth'; address: string };

/** The raw input of an action, from a form or the JSON API. */
export interface ActionInput {
  status?: string | undefined;
  types?: readonly string[] | undefined;
  address?: string | undefined;
}

function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/**
 * Check the name and input of an action.
 *
 * @throws ConsoleError (400) for an unknown action or a missing or invalid value.
 */
export function parseReviewAction(name: string, input: ActionInput): ReviewAction {
  switch (name) {
    case 'qualify':
    case 'deny':
    case 'reopen':
    case 'delete':
      return { name };
    case 'report': {
      const types = [...new Set(input.types ?? [])];
      if (types.length === 0) throw new ConsoleError(400, `Choose at least one issue type (${ISSUE_TYPES.join(', ')}).`);
      const unknown = types.find((type) => !isOneOf(ISSUE_TYPES, type));
      if (unknown !== undefined) throw new ConsoleError(400, `Unknown issue type "${unknown}": use ${ISSUE_TYPES.join(', ')}.`);
      return { name, types: types as AdminActionType[] };
    }
    case 'aml':
      if (!isOneOf(CONSOLE_AML_STATUSES, input.status)) throw new ConsoleError(400, `The AML status must be one of ${CONSOLE_AML_STATUSES.join(', ')}.`);
      return { name, status: input.status };
    case 'whitelist':
      if (!isOneOf(CONSOLE_WHITELIST_STATUSES, input.status)) {
        throw new ConsoleError(400, `The whitelist status must be one of ${CONSOLE_WHITELIST_STATUSES.join(', ')}.`);
      }
      return { name, status: input.status };
    case 'eth': {
      const checked = checkEthereumAddress(input.address ?? '');
      if (!checked.ok) {
        throw new ConsoleError(
          400,
          checked.reason === 'checksum'
            ? `That Ethereum address fails its EIP-55 checksum (did you mean ${checked.suggestion ?? 'another address'}?).`
            : 'That is not an Ethereum address: 40 hexadecimal digits, optionally after 0x.',
        );
      }
      // Stored checksummed: the form an admin would paste, and valid for the provider's own check.
      return { name, address: checked.address };
    }
    default:
      throw new ConsoleError(400, `Unknown action "${name}": use ${REVIEW_ACTION_NAMES.join(', ')}.`);
  }
}

/** The AML statuses a reviewer may set now: any but the current one. */
export function allowedAmlStatuses(kyc: UserKycRow): ConsoleAmlStatus[] {
  return CONSOLE_AML_STATUSES.filter((status) => status !== kyc.aml_status);
}

/** The whitelisting steps that may follow now: started once approved (or after a failure), then done or failed. */
export function allowedWhitelistStatuses(kyc: UserKycRow): ConsoleWhitelistStatus[] {
  if (kyc.whitelist_status === 'started') return ['done', 'failed'];
  if (kycStatus(kyc) === 'approved' && (kyc.whitelist_status === 'unprocessed' || kyc.whitelist_status === 'failed')) return ['started'];
  return [];
}

/** Why `action` does not apply to the case as it is, or undefined when it does. */
export function refusalFor(kyc: UserKycRow, action: ReviewAction): string | undefined {
  const closed = isCaseClosed(kyc);
  const state = `The case is ${kycStatus(kyc)}`;
  switch (action.name) {
    case 'qualify':
      if (closed) return `${state}: reopen it before qualifying.`;
      if (kyc.admin_status === 'qualified') return 'The case is already qualified.';
      return undefined;
    case 'deny':
    case 'report':
      return closed ? `${state}: reopen it first.` : undefined;
    case 'reopen':
      return closed ? undefined : `${state}: only an approved or denied case can be reopened.`;
    case 'aml':
      return kyc.aml_status === action.status ? `The AML status is already ${action.status}.` : undefined;
    case 'whitelist': {
      if (allowedWhitelistStatuses(kyc).includes(action.status)) return undefined;
      if (kyc.whitelist_status === action.status) return `Whitelisting is already ${action.status}.`;
      if (action.status === 'started') {
        return kycStatus(kyc) === 'approved'
          ? `Whitelisting is already ${kyc.whitelist_status}.`
          : `${state}: only an approved case is whitelisted.`;
      }
      return `Whitelisting is ${kyc.whitelist_status}: it must be started before it is ${action.status}.`;
    }
    case 'eth':
    case 'delete':
      return undefined;
  }
}

/** The actions to offer for the case as it is. */
export function availableActions(kyc: UserKycRow): ReviewActionName[] {
  const probes: ReviewAction[] = [
    { name: 'qualify' },
    { name: 'deny' },
    { name: 'report', types: ['other_issue'] },
    { name: 'reopen' },
    ...allowedAmlStatuses(kyc).slice(0, 1).map((status): ReviewAction => ({ name: 'aml', status })),
    ...allowedWhitelistStatuses(kyc).slice(0, 1).map((status): ReviewAction => ({ name: 'whitelist', status })),
    { name: 'eth', address: '' },
    { name: 'delete' },
  ];
  return probes.filter((action) => refusalFor(kyc, action) === undefined).map((action) => action.name);
}

/** What an action did. */
export interface ActionResult {
  action: ReviewActionName;
  /** The case afterwards; undefined after `delete` (the case is gone with its user). */
  kyc: UserKycRow | undefined;
}

/** Who the console says acted, in `last_acted_by`, unless configured otherwise. */
export const DEFAULT_ADMIN_NAME = 'Sandbox admin';

/**
 * Run `action` on the case of user `userId` of client `clientId`, through the store (which emits the
 * webhook event).
 *
 * @throws ConsoleError 404 when the client has no such active case, 409 when the action does not apply.
 */
export function runReviewAction(store: SandboxStore, clientId: number, userId: number, action: ReviewAction, adminName: string): ActionResult {
  const kyc = store.getKyc(clientId, userId);
  if (!kyc) throw new ConsoleError(404, `Client ${clientId} has no KYC case for user ${userId}.`);
  const refusal = refusalFor(kyc, action);
  if (refusal !== undefined) throw new ConsoleError(409, refusal);
  try {
    switch (action.name) {
      case 'qualify':
        return { action: action.name, kyc: store.qualify(clientId, userId, adminName) };
      case 'deny':
        return { action: action.name, kyc: store.deny(clientId, userId, adminName) };
      case 'report':
        return { action: action.name, kyc: store.reportIssue(clientId, userId, action.types, adminName) };
      case 'reopen':
        return { action: action.name, kyc: store.reopen(clientId, userId, adminName) };
      case 'aml':
        // `approved` is an admin's decision on an AML match (source web); the others are the AML vendor's results.
        return { action: action.name, kyc: store.setAmlStatus(clientId, userId, action.status, action.status === 'approved' ? 'web' : 'kyc_system') };
      case 'whitelist':
        return { action: action.name, kyc: store.setWhitelistStatus(clientId, userId, action.status) };
      case 'eth':
        return { action: action.name, kyc: store.updateEthereumAddress(clientId, userId, action.address, adminName) };
      case 'delete':
        store.deleteUser(clientId, userId);
        return { action: action.name, kyc: undefined };
    }
  } catch (error) {
    // A concurrent change (another tab, the CLI, the auto-review) can close the case between the check and the write.
    if (error instanceof ReviewError) throw new ConsoleError(409, `The action does not apply to the case as it is now: ${error.message}.`);
    throw error;
  }
}
