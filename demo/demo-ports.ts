/**
 * The demo's listening ports: each part has a fixed default on 127.0.0.1 and an environment variable
 * that moves it, so a newcomer never configures anything and a busy port is one variable away.
 */
import { createServer } from 'node:net';
import { DemoStartError } from './demo-start-error.js';

/** One part of the demo that listens on a port. */
export interface PortSetting {
  /** What listens there, in words. */
  label: string;
  /** The environment variable that chooses another port. */
  variable: string;
  /** The port used when the variable is unset. */
  defaultPort: number;
}

/** Every port of the demo, by part. The S3 stand-in's default follows the sandbox's (`SANDBOX_PORT + 1`). */
export const DEMO_PORT_SETTINGS = {
  site: { label: 'demo site', variable: 'DEMO_SITE_PORT', defaultPort: 8080 },
  proxy: { label: 'KYC proxy', variable: 'PROXY_PORT', defaultPort: 3000 },
  sandbox: { label: 'sandbox provider API', variable: 'SANDBOX_PORT', defaultPort: 4010 },
  s3: { label: 'S3 stand-in', variable: 'SANDBOX_S3_PORT', defaultPort: 4011 },
  smtp: { label: 'mail catcher (SMTP)', variable: 'DEMO_SMTP_PORT', defaultPort: 1025 },
  inbox: { label: 'mail inbox page', variable: 'DEMO_INBOX_PORT', defaultPort: 8025 },
} as const satisfies Record<string, PortSetting>;

/** A part of the demo that listens on a port. */
export type DemoPart = keyof typeof DEMO_PORT_SETTINGS;

/** The port of every part. */
export type DemoPorts = Record<DemoPart, number>;

/** The interface every part listens on: the demo is for this machine only. */
export const DEMO_HOST = '127.0.0.1';

const PARTS = Object.keys(DEMO_PORT_SETTINGS) as DemoPart[];

/**
 * Read the ports from `env`. Port 0 is refused: the parts must know each other's URLs before they
 * start (the sandbox registers the proxy's webhook URL, the site's CSP names the proxy).
 *
 * @throws {DemoStartError} naming every variable that is not a port number, or two parts on one port.
 */
export function readDemoPorts(env: NodeJS.ProcessEnv): DemoPorts {
  const problems: string[] = [];
  const read = (part: DemoPart, fallback: number): number => {
    const { variable } = DEMO_PORT_SETTINGS[part];
    const text = env[variable];
    if (text === undefined || text.trim() === '') return fallback;
    const port = Number(text);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(`${variable}=${JSON.stringify(text)} is not a port number (1 to 65535).`);
      return fallback;
    }
    return port;
  };
  const sandbox = read('sandbox', DEMO_PORT_SETTINGS.sandbox.defaultPort);
  const ports: DemoPorts = {
    site: read('site', DEMO_PORT_SETTINGS.site.defaultPort),
    proxy: read('proxy', DEMO_PORT_SETTINGS.proxy.defaultPort),
    sandbox,
    // Moving the sandbox moves its S3 stand-in along, as `npm run sandbox` does.
    s3: read('s3', sandbox + 1),
    smtp: read('smtp', DEMO_PORT_SETTINGS.smtp.defaultPort),
    inbox: read('inbox', DEMO_PORT_SETTINGS.inbox.defaultPort),
  };
  for (const [index, part] of PARTS.entries()) {
    const other = PARTS.slice(0, index).find((earlier) => ports[earlier] === ports[part]);
    if (other !== undefined) {
      problems.push(`${DEMO_PORT_SETTINGS[other].variable} and ${DEMO_PORT_SETTINGS[part].variable} are both ${ports[part]}; give each part its own port.`);
    }
  }
  if (problems.length > 0) throw new DemoStartError(problems.join('\n'));
  return ports;
}

/** Why `port` cannot be listened on, or undefined when it is free (tried by listening, then closing). */
function probePort(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    server.listen({ port, host: DEMO_HOST, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** The sentence for a part whose port cannot be used, with the variable to set and an example. */
export function portProblem(part: DemoPart, port: number, code: string): string {
  const { label, variable } = DEMO_PORT_SETTINGS[part];
  const why = code === 'EADDRINUSE' ? 'is already in use' : code === 'EACCES' ? 'may not be used by this user' : `cannot be used (${code})`;
  return `Port ${port} on ${DEMO_HOST} (${label}) ${why}. Stop what uses it, or choose another port: ${variable}=<port> npm start`;
}

/**
 * Check every port before anything starts, so that all the busy ones are reported at once and nothing
 * is left half-started.
 *
 * @throws {DemoStartError} with one line per port that cannot be used.
 */
export async function ensurePortsFree(ports: DemoPorts): Promise<void> {
  const results = await Promise.all(PARTS.map(async (part) => ({ part, code: await probePort(ports[part]) })));
  const problems = results.flatMap(({ part, code }) => (code === undefined ? [] : [portProblem(part, ports[part], code)]));
  if (problems.length > 0) throw new DemoStartError(problems.join('\n'));
}

/**
 * Run `start`, which listens on the port(s) of `parts`; a failure to listen (another program took a port
 * since the check) becomes the same worded {@link DemoStartError}, naming the part whose port it was.
 */
export async function listenOrExplain<T>(parts: Partial<DemoPorts>, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const { code, port } = error as NodeJS.ErrnoException & { port?: number };
    const entries = Object.entries(parts) as [DemoPart, number][];
    const [part, partPort] = entries.find(([, candidate]) => candidate === port) ?? entries[0] ?? [];
    if ((code === 'EADDRINUSE' || code === 'EACCES') && part !== undefined && partPort !== undefined) {
      throw new DemoStartError(portProblem(part, partPort, code), { cause: error });
    }
    throw error;
  }
}
