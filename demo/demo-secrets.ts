/**
 * The demo's own local secrets: the webhook secret the sandbox signs with and the proxy verifies, and
 * the integrator key the demo site's backend asks the proxy for widget tokens with. Generated on the
 * first start and kept in the data folder (file mode 0600), so a restart keeps the same wiring. They
 * are never printed. (The sandbox's API key and secret live in its own data folder, the proxy's token
 * key and code pepper in its own: see `demo-stack.ts`.)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The demo's generated secrets. */
export interface DemoSecrets {
  /** The sandbox client's webhook secret: 32 lowercase hex characters, as the provider makes them. */
  webhookSecret: string;
  /** The sale's integrator key for the proxy's host-session route. */
  integratorKey: string;
}

/** The file, inside the demo's data folder. */
export const DEMO_SECRETS_FILE = 'demo-secrets.json';

const WEBHOOK_SECRET = /^[0-9a-f]{32}$/;
const INTEGRATOR_KEY = /^[A-Za-z0-9_-]{32,128}$/;

function readSaved(file: string): DemoSecrets | undefined {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<keyof DemoSecrets, unknown>>;
    if (typeof saved.webhookSecret === 'string' && WEBHOOK_SECRET.test(saved.webhookSecret) && typeof saved.integratorKey === 'string' && INTEGRATOR_KEY.test(saved.integratorKey)) {
      return { webhookSecret: saved.webhookSecret, integratorKey: saved.integratorKey };
    }
  } catch {
    // Unreadable or not JSON: made anew below. Only this demo uses these secrets, and every start
    // hands them to both sides again.
  }
  return undefined;
}

/** The secrets kept in `dataDir`, generated and saved on the first call. */
export function loadDemoSecrets(dataDir: string): DemoSecrets {
  const file = join(dataDir, DEMO_SECRETS_FILE);
  const saved = existsSync(file) ? readSaved(file) : undefined;
  if (saved !== undefined) return saved;
  const created: DemoSecrets = { webhookSecret: randomBytes(16).toString('hex'), integratorKey: randomBytes(32).toString('base64url') };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(created, null, 2) + '\n', { mode: 0o600 });
  return created;
}
