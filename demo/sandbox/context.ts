/**
 * What every endpoint handler receives and returns, so handlers stay free of HTTP details.
 */
import type { QueryParams } from '../../proxy/ost-query.js';
import type { ClientConfig } from './config.js';
import type { ApiResponse } from './envelope.js';
import type { FileStore } from './ports.js';
import type { SandboxStore } from './store.js';

/** The services a handler may use. */
export interface SandboxDeps {
  store: SandboxStore;
  fileStore: FileStore;
  /** The clock, in ms. */
  now: () => number;
}

/** One authenticated request, as a handler sees it. */
export interface HandlerContext {
  /** The authenticated client. */
  client: ClientConfig;
  /**
   * Rails `params`: query, then body, then path params merged (later wins), after the §2.9
   * sanitisation. Never the signed originals.
   */
  params: QueryParams;
  /** The route's captured path segments (e.g. the user id), undecoded. */
  routeParams: string[];
  deps: SandboxDeps;
}

/** An endpoint. */
export type Handler = (context: HandlerContext) => ApiResponse | Promise<ApiResponse>;
