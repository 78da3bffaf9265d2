/**
 * The `:client/:user` of a console URL, checked against the sandbox's clients.
 */
import type { ClientConfig } from '../config.js';
import { ConsoleError } from './console-error.js';

/** Which case a request is about. */
export interface CaseTarget {
  clientId: number;
  userId: number;
}

const ID = /^[1-9][0-9]{0,14}$/;

/**
 * The client and user ids from their URL segments.
 *
 * @throws ConsoleError 404 for an id that is not a positive integer or a client the sandbox does not have.
 */
export function resolveCaseTarget(clients: readonly ClientConfig[], clientText: string, userText: string): CaseTarget {
  if (!ID.test(clientText) || !ID.test(userText)) throw new ConsoleError(404, 'No such case: client and user ids are positive whole numbers.');
  const clientId = Number(clientText);
  if (!clients.some((client) => client.clientId === clientId)) throw new ConsoleError(404, `The sandbox has no client ${clientId}.`);
  return { clientId, userId: Number(userText) };
}
