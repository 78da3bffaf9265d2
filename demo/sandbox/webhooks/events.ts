/**
 * The provider's event catalogue (upstream §4, `app/models/event.rb NAME_CONFIG`): each event's result
 * type, its exact description (typos included, receivers may compare them) and the sources that can
 * never emit it.
 */
import type { EventName, EventSource } from '../ports.js';

/** The result type of an event, which is also what a webhook subscribes to. */
export type WebhookResultType = 'user' | 'user_kyc';

/** What the provider knows of one event name. */
export interface EventDefinition {
  type: WebhookResultType;
  /** Verbatim from the server, including `deletd` and `updates`. */
  description: string;
  /** Sources that cannot produce this event on the real server. */
  neverFrom: readonly EventSource[];
}

/** Every event name the provider sends, as in the §4 table. */
export const EVENT_DEFINITIONS: Readonly<Record<EventName, EventDefinition>> = {
  user_register: { type: 'user', description: 'User has signed up', neverFrom: ['kyc_system'] },
  user_dopt_in: { type: 'user', description: 'User has done double opt in', neverFrom: ['kyc_system', 'api'] },
  user_deleted: { type: 'user', description: 'User was deletd by admin', neverFrom: ['kyc_system', 'api'] },
  kyc_submit: { type: 'user_kyc', description: 'User has submitted kyc data', neverFrom: ['kyc_system'] },
  update_ethereum_address: {
    type: 'user_kyc',
    description: 'Admin has updates ethereum address of user',
    neverFrom: ['kyc_system', 'api'],
  },
  kyc_status_update: { type: 'user_kyc', description: 'user kyc state has changed', neverFrom: ['api'] },
  kyc_reopen: { type: 'user_kyc', description: 'user kyc case was reopened by admin', neverFrom: ['kyc_system', 'api'] },
};

/** All event sources (upstream §4). */
export const EVENT_SOURCES: readonly EventSource[] = ['web', 'api', 'kyc_system'];
/** All result types a webhook can subscribe to. */
export const WEBHOOK_RESULT_TYPES: readonly WebhookResultType[] = ['user', 'user_kyc'];

/** An emit that the real server could never make: a bug in the caller, not a delivery failure. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/**
 * The definition of `name`, after checking that `source` can emit it.
 *
 * @throws InvalidEventError for an unknown name or source, or a source that never emits this event
 *   (e.g. `kyc_status_update` from `api`).
 */
export function eventDefinitionFor(name: EventName, source: EventSource): EventDefinition {
  const definition = Object.hasOwn(EVENT_DEFINITIONS, name) ? EVENT_DEFINITIONS[name] : undefined;
  if (definition === undefined) throw new InvalidEventError(`Unknown event name ${JSON.stringify(name)}`);
  if (!EVENT_SOURCES.includes(source)) throw new InvalidEventError(`Unknown event source ${JSON.stringify(source)}`);
  if (definition.neverFrom.includes(source)) {
    throw new InvalidEventError(`The provider never emits ${name} from source ${source}`);
  }
  return definition;
}
