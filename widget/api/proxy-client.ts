/**
 * The typed client of the proxy's widget routes (`/v1/sales/:sale/…`): JSON in and out, the token only in
 * the `Authorization` header, a timeout on every call, the caller's `AbortSignal` honoured, and every
 * failure (error answer, network, timeout, abort) thrown as an {@link ApiError}.
 *
 * It holds no state: the token is passed to each call (see session-keeper.ts for who keeps it).
 */
import { abortedError, ApiError, apiErrorFromResponse, CLIENT_ERROR_CODES } from './api-error.js';
import type {
  CheckedAddress,
  CodeSent,
  Confirmations,
  InvestorStatus,
  KycSubmissionInput,
  SaleConfig,
  SubmittedAnswers,
  UploadRequestFile,
  UploadTickets,
  WalletChallenge,
  WalletProof,
  WidgetSession,
} from './proxy-types.js';

/** Options of {@link createProxyClient}. */
export interface ProxyClientOptions {
  /** The proxy's base URL, e.g. `https://kyc.sale.example` (a path prefix is kept). */
  proxy: string;
  /** The sale id, e.g. `acme`. */
  sale: string;
  /** `fetch` to use (default: the page's). */
  fetch?: typeof fetch;
  /** How long a call may take, answer body included. Default 20 s. */
  timeoutMs?: number;
}

/** The proxy's widget routes, one method each. Every method rejects with an {@link ApiError}. */
export interface ProxyClient {
  /** The URL of the status stream (`GET …/kyc/events`), read by status-stream.ts. */
  readonly statusEventsUrl: string;
  /** The `fetch` the client uses, for the status stream to share. */
  readonly fetch: typeof fetch;
  /** The sale's public configuration, with country labels in `locale`. */
  config(locale?: string, signal?: AbortSignal): Promise<SaleConfig>;
  /** Mail a one-time code to `email` (429 `resend_too_soon` with `retryAfterSeconds` while cooling down). */
  requestCode(email: string, signal?: AbortSignal): Promise<CodeSent>;
  /** Trade the emailed code for a session (400 `code_wrong` with `fields[0].params.attemptsLeft`, `code_expired`, …). */
  createSession(email: string, code: string, signal?: AbortSignal): Promise<WidgetSession>;
  /** A fresh token while `token` is still valid (401 once it is not). */
  refreshSession(token: string, signal?: AbortSignal): Promise<WidgetSession>;
  /** Presigned S3 POST forms for the files about to be sent; each ticket carries the answer's `expiresAt`. */
  requestUploads(token: string, files: readonly UploadRequestFile[], signal?: AbortSignal): Promise<UploadTickets>;
  /** Submit the answers; resolves with the status they led to. */
  submitKyc(token: string, submission: KycSubmissionInput, confirmations: Confirmations, signal?: AbortSignal): Promise<InvestorStatus>;
  /** The investor's status now. */
  status(token: string, signal?: AbortSignal): Promise<InvestorStatus>;
  /** The last submission's answers, to prefill a resubmission (404 `no_submission` when there is none). */
  previousSubmission(token: string, signal?: AbortSignal): Promise<SubmittedAnswers>;
  /** Check an Ethereum address (EIP-55, then the provider); resolves with its checksummed form. */
  checkEthereumAddress(token: string, address: string, signal?: AbortSignal): Promise<CheckedAddress>;
  /** The Sign-In with Ethereum message for `address` on `chainId` (400 `wrong_chain`, 404 `wallet_proof_off`). */
  walletChallenge(token: string, address: string, chainId: number, signal?: AbortSignal): Promise<WalletChallenge>;
  /** Send the signed message; resolves with the proven address (400 `proof_*` naming `message` or `signature`). */
  proveWallet(token: string, message: string, signature: string, signal?: AbortSignal): Promise<WalletProof>;
  /** The addresses this investor has proven (after a reload). */
  walletProofs(token: string, signal?: AbortSignal): Promise<WalletProof[]>;
}

const DEFAULT_TIMEOUT_MS = 20_000;

interface CallOptions {
  method: 'GET' | 'POST';
  path: string;
  token?: string;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** The sale configuration may come from the HTTP cache (the proxy allows 5 minutes); nothing else may. */
  cacheable?: boolean;
}

/** The base URL of a sale's widget routes, without a trailing slash. */
export function saleBaseUrl(proxy: string, sale: string): string {
  return `${proxy.replace(/\/+$/, '')}/v1/sales/${encodeURIComponent(sale)}`;
}

/** Create the client of one sale on one proxy. */
export function createProxyClient(options: ProxyClientOptions): ProxyClient {
  const base = saleBaseUrl(options.proxy, options.sale);
  // Resolved per call, not at import: the module must load in Node, where there may be no page.
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function call<T>(request: CallOptions): Promise<T> {
    const { signal } = request;
    if (signal?.aborted) throw abortedError(signal.reason);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const failure = (cause: unknown): ApiError => {
      if (cause instanceof ApiError) return cause;
      if (signal?.aborted) return abortedError(cause);
      if (timedOut) {
        return new ApiError({ status: 0, code: CLIENT_ERROR_CODES.timeout, kind: 'timeout', message: 'The server took too long to answer. Please try again.', cause });
      }
      return new ApiError({ status: 0, code: CLIENT_ERROR_CODES.network, kind: 'network', message: 'The server could not be reached. Check your connection and try again.', cause });
    };
    try {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (request.body !== undefined) headers['Content-Type'] = 'application/json';
      if (request.token !== undefined) headers['Authorization'] = `Bearer ${request.token}`;
      const response = await fetchImpl(`${base}${request.path}`, {
        method: request.method,
        headers,
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        signal: controller.signal,
        mode: 'cors',
        credentials: 'omit',
        cache: request.cacheable === true ? 'default' : 'no-store',
      });
      if (!response.ok) throw await apiErrorFromResponse(response);
      try {
        return (await response.json()) as T;
      } catch (cause) {
        if (signal?.aborted || timedOut) throw cause;
        throw new ApiError({ status: response.status, code: CLIENT_ERROR_CODES.invalidResponse, kind: 'http', message: 'The server answered something unreadable. Please try again.', cause });
      }
    } catch (cause) {
      throw failure(cause);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    statusEventsUrl: `${base}/kyc/events`,
    fetch: fetchImpl,
    config: (locale, signal) =>
      call<SaleConfig>({ method: 'GET', path: `/config${locale !== undefined ? `?locale=${encodeURIComponent(locale)}` : ''}`, signal, cacheable: true }),
    requestCode: (email, signal) => call<CodeSent>({ method: 'POST', path: '/codes', body: { email }, signal }),
    createSession: (email, code, signal) => call<WidgetSession>({ method: 'POST', path: '/sessions', body: { email, code }, signal }),
    refreshSession: (token, signal) => call<WidgetSession>({ method: 'POST', path: '/sessions/refresh', token, signal }),
    requestUploads: async (token, files, signal) => {
      const tickets = await call<Omit<UploadTickets, 'uploads'> & { uploads: Omit<UploadTickets['uploads'][number], 'expiresAt'>[] }>({
        method: 'POST',
        path: '/uploads',
        token,
        body: { files },
        signal,
      });
      return { ...tickets, uploads: tickets.uploads.map((ticket) => ({ ...ticket, expiresAt: tickets.expiresAt })) };
    },
    submitKyc: async (token, submission, confirmations, signal) =>
      (await call<{ status: InvestorStatus }>({ method: 'POST', path: '/kyc', token, body: { submission, confirmations }, signal })).status,
    status: async (token, signal) => (await call<{ status: InvestorStatus }>({ method: 'GET', path: '/kyc', token, signal })).status,
    previousSubmission: async (token, signal) =>
      (await call<{ submission: SubmittedAnswers }>({ method: 'GET', path: '/kyc/submission', token, signal })).submission,
    checkEthereumAddress: (token, address, signal) => call<CheckedAddress>({ method: 'POST', path: '/ethereum-address/check', token, body: { address }, signal }),
    walletChallenge: (token, address, chainId, signal) => call<WalletChallenge>({ method: 'POST', path: '/wallet/challenges', token, body: { address, chainId }, signal }),
    proveWallet: (token, message, signature, signal) => call<WalletProof>({ method: 'POST', path: '/wallet/proofs', token, body: { message, signature }, signal }),
    walletProofs: async (token, signal) => (await call<{ proofs: WalletProof[] }>({ method: 'GET', path: '/wallet/proofs', token, signal })).proofs,
  };
}

