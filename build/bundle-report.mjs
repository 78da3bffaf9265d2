// A rollup plugin that prints, for each file it writes, the gzip size against its budget and the
// Subresource Integrity hash a sale puts in its <script integrity="…">, and records both in
// dist/integrity.json. The budget itself is enforced by test/build/bundle.test.ts.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The script-tag bundle's budget, gzip bytes: issue 5's 40 KB with English, plus the 3 KB issue 8 allows
 * for proof of wallet ownership (the step's UI, its strings and the proxy calls took about 2.2 KB of it;
 * the wallet code itself is dist/wallet.js, loaded on demand).
 */
export const SCRIPT_TAG_BUDGET_GZIP_BYTES = 43 * 1024;

/** The wallet module's budget, gzip bytes (dist/wallet.js, loaded only on the wallet step of a sale taking proofs). */
export const WALLET_MODULE_BUDGET_GZIP_BYTES = 2 * 1024;

/** `sha384-…` of `bytes`, as the `integrity` attribute wants it. */
export function integrityOf(bytes) {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

/** The plugin; `budget` (gzip bytes) is printed next to the size when given. */
export function bundleReport({ budget } = {}) {
  return {
    name: 'bundle-report',
    async writeBundle(options, bundle) {
      for (const [fileName, output] of Object.entries(bundle)) {
        if (output.type !== 'chunk') continue;
        const path = options.file ?? join(options.dir, fileName);
        const bytes = await readFile(path);
        const gzip = gzipSync(bytes, { level: 9 }).length;
        const integrity = integrityOf(bytes);
        const over = budget !== undefined && gzip > budget ? '  OVER BUDGET' : '';
        const against = budget === undefined ? '' : ` of ${(budget / 1024).toFixed(1).replace(/\.0$/, '')} KB`;
        console.log(`${path}: ${(gzip / 1024).toFixed(1)} KB gzip${against}${over}\n  integrity="${integrity}"`);
        const recordPath = join(dirname(path), 'integrity.json');
        const record = JSON.parse(await readFile(recordPath, 'utf8').catch(() => '{}'));
        record[basename(path)] = { integrity, gzipBytes: gzip, bytes: bytes.length };
        await writeFile(recordPath, `${JSON.stringify(record, null, 2)}\n`);
      }
    },
  };
}
