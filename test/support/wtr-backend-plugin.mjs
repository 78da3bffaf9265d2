// A web-test-runner plugin that runs the real backend for browser tests: the sandbox provider with its
// S3 stand-in and webhooks, a real SMTP catcher and the proxy (test/proxy/support/proxy-stack.ts,
// loaded through tsx), with the test page's origin (`http://127.0.0.1:<wtr port>`) allowed by the sale
// and by S3's CORS. It starts with the test server and stops with it.
//
// Browser tests reach it through a small JSON API on the test server itself (same origin, no CORS):
//   GET  /__backend/info                 → { proxyUrl, sale, pageOrigin, closedUrl, walletSales }; the sale
//                                          takes optional wallet proofs on chain 1 (the proxy's default);
//                                          walletSales.required and walletSales.off name copies of it
//                                          that require a proof and take none
//   GET  /__backend/code?email=          → { code }: the latest one-time code mailed to `email`
//   GET  /__backend/host-token?email=    → a host session ({ token, expiresAt, userId }) made with the
//                                          integrator key, as a sale's backend would
//   POST /__backend/review               → { action, userId, reasons?, status? }: a reviewer's action
//                                          on the sandbox (qualify, deny, report, aml, whitelist, approve),
//                                          which sends the provider's webhooks to the proxy for real
//   GET  /__backend/proxy-clock?offsetMs= → move the proxy's clock (token expiry); 0 puts it back
//   GET  /__backend/s3-clock?offsetMs=    → move the S3 stand-in's clock (form expiry)
//   GET  /__backend/open-streams          → { open }: status streams the proxy holds open
//   GET  /__backend/drop-streams          → end every open status stream as a proxy shutdown does
// Answers are always HTTP 200 (the test server's plugin hook sets it): failures are `{ error }`.

const PREFIX = '/__backend/';

/** Copies of the test sale with other wallet-proof settings (issue 8), same provider account. */
const WALLET_SALES = { required: 'acme-proof-required', off: 'acme-proof-off' };

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : JSON.parse(text);
}

/** The plugin. */
export function backendPlugin() {
  let stack;
  let support;
  let pageOrigin;
  let closedUrl;
  let proxyOffsetMs = 0;
  let s3OffsetMs = 0;

  const routes = {
    info: () => ({ proxyUrl: stack.proxyUrl, sale: support.SALE_ID, pageOrigin, closedUrl, walletSales: WALLET_SALES }),
    code: async (query) => {
      const email = String(query.get('email') ?? '').toLowerCase();
      const message = await stack.catcher.waitForMessage({ to: email }, 5000);
      const code = /\b(\d{6})\b/.exec(message.text ?? '')?.[1];
      if (code === undefined) throw new Error('no code in the mail');
      return { code };
    },
    'host-token': async (query) => {
      const response = await fetch(`${stack.proxyUrl}/v1/sales/${support.SALE_ID}/host-sessions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${support.INTEGRATOR_KEY}` },
        body: JSON.stringify({ email: query.get('email'), origin: pageOrigin }),
      });
      const body = await response.json();
      if (response.status !== 201) throw new Error(`host-sessions answered ${response.status}: ${JSON.stringify(body)}`);
      return body;
    },
    review: async (_query, req) => {
      const { action, userId, reasons, status } = await readJson(req);
      const store = stack.sandbox.store;
      const user = Number(userId);
      const client = support.CLIENT_ID;
      const done = {
        qualify: () => store.qualify(client, user, 'Admin'),
        deny: () => store.deny(client, user, 'Admin'),
        report: () => store.reportIssue(client, user, reasons ?? ['document_issue'], 'Admin'),
        aml: () => store.setAmlStatus(client, user, status, 'kyc_system'),
        whitelist: () => store.setWhitelistStatus(client, user, status),
        approve: () => {
          store.setAmlStatus(client, user, 'cleared', 'kyc_system');
          return store.qualify(client, user, 'Admin');
        },
      }[action];
      if (done === undefined) throw new Error(`unknown review action ${action}`);
      const row = done();
      return { adminStatus: row.admin_status, amlStatus: row.aml_status };
    },
    'proxy-clock': (query) => {
      proxyOffsetMs = Number(query.get('offsetMs') ?? 0);
      return { offsetMs: proxyOffsetMs };
    },
    's3-clock': (query) => {
      s3OffsetMs = Number(query.get('offsetMs') ?? 0);
      return { offsetMs: s3OffsetMs };
    },
    'open-streams': () => ({ open: stack.proxies.reduce((sum, proxy) => sum + proxy.deps.streams.size, 0) }),
    'drop-streams': () => {
      let dropped = 0;
      for (const proxy of stack.proxies) {
        for (const stream of [...proxy.deps.streams]) {
          stream.close('shutdown');
          dropped += 1;
        }
      }
      return { dropped };
    },
  };

  return {
    name: 'kyc-backend',

    async serverStart({ config }) {
      const { tsImport } = await import('tsx/esm/api');
      support = await tsImport('../proxy/support/proxy-stack.ts', import.meta.url);
      pageOrigin = `http://${config.hostname}:${config.port}`;
      closedUrl = `http://127.0.0.1:${await support.freePort()}`;
      stack = await support.startStack({
        sale: { origins: [support.SALE_ORIGIN, pageOrigin] },
        extraSales: [
          { id: WALLET_SALES.required, origins: [support.SALE_ORIGIN, pageOrigin], wallet: { proof: 'required' } },
          { id: WALLET_SALES.off, origins: [support.SALE_ORIGIN, pageOrigin], wallet: { proof: 'off' } },
        ],
        s3Origins: [pageOrigin],
        s3Now: () => Date.now() + s3OffsetMs,
        proxyOptions: { now: () => Date.now() + proxyOffsetMs },
        // Every browser test signs in from 127.0.0.1: the per-network limit would end the run early.
        config: { codes: { sendsPerIpPerHour: 100000 } },
      });
    },

    async serverStop() {
      await stack?.close();
      stack = undefined;
    },

    async serve(context) {
      if (!context.path.startsWith(PREFIX)) return undefined;
      const route = routes[context.path.slice(PREFIX.length)];
      let body;
      try {
        if (route === undefined) throw new Error(`no test route ${context.path}`);
        if (stack === undefined) throw new Error('the backend is not running');
        body = await route(new URLSearchParams(context.querystring), context.req);
      } catch (error) {
        body = { error: String(error?.message ?? error) };
      }
      return { body: JSON.stringify(body), type: 'json', headers: { 'Cache-Control': 'no-store' } };
    },
  };
}
