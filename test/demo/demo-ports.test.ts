import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DEMO_PORT_SETTINGS, ensurePortsFree, listenOrExplain, readDemoPorts, type DemoPorts } from '../../demo/demo-ports.js';
import { DemoStartError } from '../../demo/demo-start-error.js';
import { freeDemoPorts } from './support/demo-process.js';

function listen(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve(server)));
}

describe('the demo\'s ports', () => {
  test('default to fixed ports, the S3 stand-in next to the sandbox', () => {
    assert.deepEqual(readDemoPorts({}), { site: 8080, proxy: 3000, sandbox: 4010, s3: 4011, smtp: 1025, inbox: 8025 });
  });

  test('each moves with its own variable; moving the sandbox moves its S3 stand-in along', () => {
    const ports = readDemoPorts({ DEMO_SITE_PORT: '9090', PROXY_PORT: '3100', SANDBOX_PORT: '5000', DEMO_SMTP_PORT: '2525', DEMO_INBOX_PORT: '9025' });
    assert.deepEqual(ports, { site: 9090, proxy: 3100, sandbox: 5000, s3: 5001, smtp: 2525, inbox: 9025 });
    assert.equal(readDemoPorts({ SANDBOX_PORT: '5000', SANDBOX_S3_PORT: '6000' }).s3, 6000);
  });

  test('refuses what is not a port, and two parts on one port, naming every variable at once', () => {
    assert.throws(() => readDemoPorts({ DEMO_SITE_PORT: 'eighty', DEMO_INBOX_PORT: '0', PROXY_PORT: '4010' }), (error: unknown) => {
      assert.ok(error instanceof DemoStartError);
      assert.match(error.message, /DEMO_SITE_PORT="eighty" is not a port number/);
      assert.match(error.message, /DEMO_INBOX_PORT="0" is not a port number/);
      assert.match(error.message, /PROXY_PORT and SANDBOX_PORT are both 4010/);
      return true;
    });
  });

  describe('when a port is taken', () => {
    let ports: DemoPorts;
    let blocker: Server;
    before(async () => {
      ports = await freeDemoPorts();
      blocker = await listen(ports.proxy);
    });
    after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

    test('the check before the start names it, its part and the variable to set', async () => {
      await assert.rejects(ensurePortsFree(ports), (error: unknown) => {
        assert.ok(error instanceof DemoStartError);
        assert.equal(error.message, `Port ${ports.proxy} on 127.0.0.1 (KYC proxy) is already in use. Stop what uses it, or choose another port: PROXY_PORT=<port> npm start`);
        return true;
      });
      // Ports that are all free pass the check.
      assert.equal(await ensurePortsFree(await freeDemoPorts()), undefined);
    });

    test('a port taken after the check is explained the same way, for the part whose port it was', async () => {
      await assert.rejects(listenOrExplain({ sandbox: ports.sandbox, s3: ports.proxy }, () => listen(ports.proxy)), {
        name: 'DemoStartError',
        message: new RegExp(`^Port ${ports.proxy} on 127\\.0\\.0\\.1 \\(${DEMO_PORT_SETTINGS.s3.label}\\) is already in use\\..*SANDBOX_S3_PORT=<port>`),
      });
      // Any other failure is not a port problem and passes through unchanged.
      const other = new Error('boom');
      await assert.rejects(listenOrExplain({ site: ports.site }, () => Promise.reject(other)), (error) => error === other);
    });
  });
});
