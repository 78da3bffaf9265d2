/**
 * Webhook settings validation (upstream §4), with the sandbox's loopback relaxation, and their storage.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import {
  generateWebhookSecret,
  validateWebhookConfigs,
  WebhookConfigError,
  WebhookSettings,
  type WebhookConfig,
} from '../../../demo/sandbox/webhooks/index.js';
import { SECRET_A, SECRET_B } from './helpers.js';

function hook(url: string, overrides: Partial<WebhookConfig> = {}): WebhookConfig {
  return { url, secret: SECRET_A, sources: ['web'], types: ['user'], ...overrides };
}

function fields(configs: WebhookConfig[]): string[] {
  return validateWebhookConfigs(configs).map((issue) => `${issue.index}:${issue.field}`);
}

describe('validateWebhookConfigs', () => {
  it('accepts https public hosts and the sandbox-only loopback URLs', () => {
    for (const url of [
      'https://webhook.ost.com/test/',
      'https://my-site.example.io/hooks',
      'http://127.0.0.1:4567/hook',
      'http://localhost:8080/',
      'https://localhost/hook',
    ]) {
      assert.deepEqual(fields([hook(url)]), [], url);
    }
  });

  it('rejects plain http to public hosts, IP addresses, odd hosts, queries, fragments and credentials', () => {
    for (const url of [
      'http://webhook.ost.com/test',
      'https://10.0.0.1/hook',
      'http://192.168.1.2/hook',
      'https://intranet/hook',
      'https://example.technology/hook',
      'https://example.com/hook?token=1',
      'https://example.com/hook?',
      'https://example.com/hook#x',
      'https://user:pw@example.com/hook',
      'ftp://example.com/hook',
      'not a url',
      '',
    ]) {
      assert.deepEqual(fields([hook(url)]), ['0:url'], url);
    }
  });

  it('allows at most 3 webhooks and no case-insensitive duplicates', () => {
    const four = ['a', 'b', 'c', 'd'].map((p) => hook(`https://example.com/${p}`));
    assert.deepEqual(fields(four), ['null:list']);
    assert.deepEqual(fields([hook('https://example.com/Hook'), hook('https://EXAMPLE.com/hook')]), ['1:url']);
  });

  it('requires a 32-lowercase-hex secret and non-empty known sources and types', () => {
    assert.deepEqual(fields([hook('https://example.com/a', { secret: SECRET_A.toUpperCase() })]), ['0:secret']);
    assert.deepEqual(fields([hook('https://example.com/a', { secret: SECRET_A.slice(1) })]), ['0:secret']);
    assert.deepEqual(fields([hook('https://example.com/a', { sources: [] })]), ['0:sources']);
    assert.deepEqual(fields([hook('https://example.com/a', { sources: ['web', 'web'] })]), ['0:sources']);
    assert.deepEqual(fields([hook('https://example.com/a', { sources: ['admin' as never] })]), ['0:sources']);
    assert.deepEqual(fields([hook('https://example.com/a', { types: ['kyc' as never] })]), ['0:types']);
  });

  it('generates secrets the validator accepts', () => {
    const secret = generateWebhookSecret();
    assert.match(secret, /^[0-9a-f]{32}$/);
    assert.notEqual(secret, generateWebhookSecret());
  });
});

describe('WebhookSettings', () => {
  it('stores, replaces and clears a client’s list, refusing invalid ones', () => {
    const db = new Database(':memory:');
    try {
      const settings = new WebhookSettings(db);
      const list = [hook('https://a.example.com/x', { types: ['user', 'user_kyc'] }), hook('http://127.0.0.1:9/y', { secret: SECRET_B })];
      settings.set(1, list);
      assert.deepEqual(settings.list(1), list);
      assert.deepEqual(settings.list(2), []);

      assert.throws(() => settings.set(1, [hook('https://a.example.com/x?q=1')]), WebhookConfigError);
      assert.deepEqual(settings.list(1), list, 'an invalid list changes nothing');

      settings.set(1, []);
      assert.deepEqual(settings.list(1), []);
    } finally {
      db.close();
    }
  });
});
