// `npm run build` produces the files a page and a bundler use, and the script-tag file stays small.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

const root = join(import.meta.dirname, '..', '..');
const dist = join(root, 'dist');
// The budget lives with the build's report (the peers ship 400 KB+; we stay an order of magnitude below).
import { SCRIPT_TAG_BUDGET_GZIP_BYTES, WALLET_MODULE_BUDGET_GZIP_BYTES, integrityOf } from '../../build/bundle-report.mjs';

describe('npm run build', () => {
  before(() => {
    rmSync(dist, { recursive: true, force: true });
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
  });

  it('writes the script-tag bundle, the ES module and the types', () => {
    for (const file of ['kyc-onboarding.js', 'kyc-onboarding.esm.js', 'wallet.js', 'types/widget/index.d.ts', 'types/widget/kyc-onboarding.d.ts']) {
      assert.ok(existsSync(join(dist, file)), file);
    }
  });

  it('makes the script-tag bundle a classic script with no imports, exports or named global', () => {
    const code = readFileSync(join(dist, 'kyc-onboarding.js'), 'utf8');
    assert.match(code, /^!function\(\)\{"use strict";/);
    assert.doesNotMatch(code, /(^|[;}])\s*(import|export)\s*[{*'"]/);
    assert.doesNotMatch(code, /^var \w+=/);
    assert.ok(code.includes('kyc-onboarding'));
  });

  it('keeps lit as an import in the ES module, for the host bundler to share', () => {
    const code = readFileSync(join(dist, 'kyc-onboarding.esm.js'), 'utf8');
    assert.match(code, /from ['"]lit['"]/);
  });

  it(`keeps the script-tag bundle under ${SCRIPT_TAG_BUDGET_GZIP_BYTES / 1024} KB gzip`, () => {
    const size = gzipSync(readFileSync(join(dist, 'kyc-onboarding.js')), { level: 9 }).length;
    console.log(`dist/kyc-onboarding.js: ${size} bytes gzip`);
    assert.ok(size <= SCRIPT_TAG_BUDGET_GZIP_BYTES, `${size} > ${SCRIPT_TAG_BUDGET_GZIP_BYTES}`);
  });

  it('records the script-tag bundle\'s integrity hash and size for the <script integrity> attribute', () => {
    const bytes = readFileSync(join(dist, 'kyc-onboarding.js'));
    const record = JSON.parse(readFileSync(join(dist, 'integrity.json'), 'utf8')) as Record<string, { integrity: string; gzipBytes: number }>;
    assert.equal(record['kyc-onboarding.js']?.integrity, integrityOf(bytes));
    assert.equal(record['kyc-onboarding.js']?.gzipBytes, gzipSync(bytes, { level: 9 }).length);
  });

  it('builds the wallet code apart: an ES module of its own, in neither widget build', () => {
    const wallet = readFileSync(join(dist, 'wallet.js'), 'utf8');
    assert.match(wallet, /export\s*\{[^}]*\bas startWalletProof\b/);
    assert.doesNotMatch(wallet, /\bimport\s*[{*'"]|\bimport\(/, 'self-contained: the page loads one file');
    assert.ok(wallet.includes('eip6963:requestProvider') && wallet.includes('personal_sign'));
    for (const file of ['kyc-onboarding.js', 'kyc-onboarding.esm.js']) {
      const code = readFileSync(join(dist, file), 'utf8');
      assert.ok(!code.includes('eip6963:requestProvider') && !code.includes('personal_sign'), `${file} holds no wallet code`);
      assert.ok(code.includes('wallet.js'), `${file} imports wallet.js on demand`);
    }
  });

  it(`keeps the wallet module under ${WALLET_MODULE_BUDGET_GZIP_BYTES / 1024} KB gzip, and records its integrity`, () => {
    const bytes = readFileSync(join(dist, 'wallet.js'));
    const size = gzipSync(bytes, { level: 9 }).length;
    console.log(`dist/wallet.js: ${size} bytes gzip`);
    assert.ok(size <= WALLET_MODULE_BUDGET_GZIP_BYTES, `${size} > ${WALLET_MODULE_BUDGET_GZIP_BYTES}`);
    const record = JSON.parse(readFileSync(join(dist, 'integrity.json'), 'utf8')) as Record<string, { integrity: string; gzipBytes: number }>;
    assert.equal(record['wallet.js']?.integrity, integrityOf(bytes));
    assert.equal(record['wallet.js']?.gzipBytes, size);
  });
});
