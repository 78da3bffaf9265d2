// `npm run build` writes each locale but English as its own small ES module (dist/locales/<lang>.js), and
// none of them ends up in the widget bundles: a page that never needs German never downloads it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup, type Plugin } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';

const root = join(import.meta.dirname, '..', '..');
const dist = join(root, 'dist');
/** The locales built apart from the bundle; English is bundled. */
const LAZY_LOCALES = ['ar', 'de', 'es', 'fr', 'ja'];
/** Gzip budget of one locale file: a few kilobytes, a fraction of the bundle. */
const LOCALE_BUDGET_GZIP_BYTES = 8 * 1024;

interface LocaleModule {
  default: Record<string, unknown>;
  dir: string;
}

/** Every text of a catalog (plural forms included). */
function texts(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  return typeof node === 'object' && node !== null ? Object.values(node).flatMap(texts) : [];
}

/** The longest texts of a catalog: sentences no other language shares. */
function distinctiveTexts(catalog: Record<string, unknown>, count = 8): string[] {
  return [...new Set(texts(catalog))].sort((a, b) => b.length - a.length).slice(0, count);
}

/** Built code with its string escapes undone (esbuild writes non-ASCII text as \uXXXX). */
function readableCode(code: string): string {
  return code.replace(/\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\(['"`\\])/g, (_, braced?: string, unicode?: string, hex?: string, quote?: string) =>
    quote ?? String.fromCodePoint(parseInt((braced ?? unicode ?? hex) as string, 16)));
}

async function importLocale(locale: string): Promise<LocaleModule> {
  return (await import(pathToFileURL(join(dist, 'locales', `${locale}.js`)).href)) as LocaleModule;
}

/** The script-tag build (IIFE) of the locale loader alone, as the element bundles it (unminified: only its contents matter). */
async function buildLoaderScript(): Promise<string> {
  const entry: Plugin = {
    name: 'loader-entry',
    resolveId: (id) => (id === 'loader-entry' ? id : null),
    load: (id) => (id === 'loader-entry'
      ? `import { loadMessages } from ${JSON.stringify(join(root, 'widget/i18n/locale.ts'))};\nloadMessages(document.documentElement.lang);`
      : null),
  };
  const bundle = await rollup({
    input: 'loader-entry',
    plugins: [entry, nodeResolve({ browser: true }), esbuild({ target: 'es2022', tsconfig: 'tsconfig.web.json', include: /\.ts$/ })],
    onwarn: (warning) => assert.fail(`rollup: ${warning.message}`),
  });
  try {
    const { output } = await bundle.generate({ format: 'iife' });
    assert.equal(output.length, 1, 'one file: the IIFE cannot split, so nothing may ask it to');
    return output[0].code;
  } finally {
    await bundle.close();
  }
}

describe('npm run build: locale files', () => {
  before(() => {
    // Only what this file checks; the rest of dist/ is left for whoever else is using it.
    rmSync(join(dist, 'locales'), { recursive: true, force: true });
    rmSync(join(dist, 'kyc-onboarding.js'), { force: true });
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
  });

  it('writes each locale as a small ES module with its catalog and direction', async () => {
    for (const locale of LAZY_LOCALES) {
      const file = join(dist, 'locales', `${locale}.js`);
      assert.ok(existsSync(file), file);
      const code = readFileSync(file);
      const gzip = gzipSync(code, { level: 9 }).length;
      console.log(`dist/locales/${locale}.js: ${code.length} bytes, ${gzip} bytes gzip`);
      assert.ok(gzip <= LOCALE_BUDGET_GZIP_BYTES, `${locale}: ${gzip} > ${LOCALE_BUDGET_GZIP_BYTES}`);
      assert.doesNotMatch(code.toString('utf8'), /\bimport\b\s*[{*'"(]/, `${locale} imports nothing`);
      const module = await importLocale(locale);
      assert.equal(typeof module.default, 'object');
      assert.equal(typeof (module.default['common'] as Record<string, unknown>)['widgetTitle'], 'string');
      assert.equal(module.dir, locale === 'ar' ? 'rtl' : 'ltr');
    }
    assert.ok(!existsSync(join(dist, 'locales', 'en.js')), 'English is bundled, not a separate file');
  });

  it('keeps every other locale out of the script-tag bundle and the ES module', async () => {
    const bundles = ['kyc-onboarding.js', 'kyc-onboarding.esm.js'].map((file) => ({ file, code: readableCode(readFileSync(join(dist, file), 'utf8')) }));
    for (const locale of LAZY_LOCALES) {
      const { default: catalog } = await importLocale(locale);
      for (const text of distinctiveTexts(catalog)) {
        for (const { file, code } of bundles) assert.ok(!code.includes(text), `${file} contains ${locale}: ${text}`);
      }
    }
  });

  it('bundles English with the loader, and loads the others at run time from next to the script', async () => {
    const code = readableCode(await buildLoaderScript());
    const { default: english } = await import('../../widget/i18n/en.js');
    for (const text of distinctiveTexts(english as unknown as Record<string, unknown>)) assert.ok(code.includes(text), `English is bundled: ${text}`);
    for (const locale of LAZY_LOCALES) {
      const { default: catalog } = await importLocale(locale);
      for (const text of distinctiveTexts(catalog)) assert.ok(!code.includes(text), `the loader bundles ${locale}: ${text}`);
    }
    assert.match(code, /\bimport\(/, 'a dynamic import, left to the browser');
    assert.match(code, /document\.currentScript/, 'the script URL, read while the script runs');
    assert.ok(code.includes('locales/'), 'the locale folder next to the script');
  });
});
