import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { DEMO_SECRETS_FILE, loadDemoSecrets } from '../../demo/demo-secrets.js';

describe('the demo\'s generated secrets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'demo-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('are generated on the first start in the provider\'s format, in a file only the user can read', () => {
    const secrets = loadDemoSecrets(join(dir, 'nested'));
    assert.match(secrets.webhookSecret, /^[0-9a-f]{32}$/);
    assert.match(secrets.integratorKey, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(secrets.webhookSecret, loadDemoSecrets(join(dir, 'other')).webhookSecret);
    assert.equal(statSync(join(dir, 'nested', DEMO_SECRETS_FILE)).mode & 0o777, 0o600);
  });

  test('are kept across restarts', () => {
    const first = loadDemoSecrets(dir);
    assert.deepEqual(loadDemoSecrets(dir), first);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, DEMO_SECRETS_FILE), 'utf8')), first);
  });

  test('are made anew when the file is damaged', () => {
    writeFileSync(join(dir, DEMO_SECRETS_FILE), '{ "webhookSecret": "short"');
    const secrets = loadDemoSecrets(dir);
    assert.match(secrets.webhookSecret, /^[0-9a-f]{32}$/);
    assert.deepEqual(loadDemoSecrets(dir), secrets);
  });
});
