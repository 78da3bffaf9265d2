/**
 * The shared KYC contract is browser-safe: bundled for the browser as the widget's bundler would, it
 * runs in a bare JavaScript realm that has no Node globals (no `process`, `Buffer`, `require`), only the
 * web's `TextEncoder`; it leaves the provider's country list out, and stays small.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createContext, runInContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CONTRACT_DIR = fileURLToPath(new URL('../../../proxy/contract/', import.meta.url));
/** Everything the widget may use of the contract. */
const ENTRY = ['kyc-fields', 'kyc-rules', 'field-error', 'provider-field-errors', 'birthdate-rule', 'canonical-name', 'eip55']
  .map((name) => `export * from './${name}.js';`)
  .join('\n');
/** Gzipped budget of the whole contract, EIP-55 (Keccak-256) included. */
const GZIP_BUDGET_BYTES = 12_000;

async function bundle(): Promise<string> {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: CONTRACT_DIR, loader: 'ts', sourcefile: 'contract-entry.ts' },
    bundle: true,
    format: 'iife',
    globalName: 'contract',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

describe('proxy/contract in a browser realm', () => {
  it('runs without Node globals and validates a submission', async () => {
    const code = await bundle();
    const realm = createContext({ TextEncoder });
    runInContext(code, realm);
    // Read back as JSON: objects of another realm have other prototypes, which deepStrictEqual compares.
    const probe = JSON.parse(runInContext(
      `JSON.stringify({
        nodeGlobals: [typeof process, typeof Buffer, typeof require, typeof module],
        result: contract.validateKycSubmission(
          { firstName: 'Ada', lastName: 'Lovelace', birthdate: '10/12/1990', country: 'india', nationality: 'indian',
            documentIdNumber: 'X1', documentIdFile: '7/i/abc', selfieFile: '7/i/def',
            ethereumAddress: '5aaeb6053f3e94c9b9a09f33669435e7ef1beaed' },
          { collected: ['ethereumAddress'], required: [], countries: ['INDIA'], nationalities: ['INDIAN'], blockedCountries: [],
            residenceProofNationalities: [], maxInvestorProofs: 2 },
          { today: contract.providerToday(Date.UTC(2026, 0, 1)) }),
        mapped: contract.providerFieldErrors({ err: { error_data: [{ parameter: 'selfie_file_path', msg: 'Oops. File is not present on S3.' }] } }),
      })`,
      realm,
    ) as string) as { nodeGlobals: string[]; result: { ok: boolean; value?: Record<string, string> }; mapped: { field: string; rule: string }[] };
    assert.deepEqual(probe.nodeGlobals, ['undefined', 'undefined', 'undefined', 'undefined']);
    assert.equal(probe.result.ok, true, JSON.stringify(probe.result));
    assert.equal(probe.result.value?.['ethereumAddress'], '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
    assert.equal(probe.result.value?.['country'], 'INDIA');
    assert.deepEqual(probe.mapped.map((e) => [e.field, e.rule]), [['selfieFile', 'file_not_found']]);
  });

  it('does not carry the country list, and fits the size budget', async () => {
    const code = await bundle();
    for (const country of ['AFGHANISTAN', 'ZIMBABWE', 'BOSNIA AND HERZEGOVINA']) assert.ok(!code.includes(country), `${country} is not in the bundle`);
    const gzipped = gzipSync(code).length;
    assert.ok(gzipped < GZIP_BUDGET_BYTES, `the contract is ${gzipped} bytes gzipped, over the ${GZIP_BUDGET_BYTES}-byte budget`);
  });
});
