import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ensureWidgetBuilt, widgetBuildNeeded } from '../../demo/widget-build.js';

/** A fake repository: widget sources, the shared contract, the rollup config, and a build, each file at `time` (unix s). */
function write(root: string, path: string, time: number): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '// test\n');
  utimesSync(file, time, time);
}

describe('the widget build check of npm start', () => {
  let root: string;
  const SOURCES = ['widget/index.ts', 'widget/steps/email-step.ts', 'proxy/contract/kyc-rules.ts', 'rollup.config.mjs'];
  const BUILD = ['dist/kyc-onboarding.js', 'dist/wallet.js', 'dist/locales/de.js', 'dist/locales/fr.js'];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'widget-build-'));
    for (const source of SOURCES) write(root, source, 1_000);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('builds when there is no build', () => {
    assert.deepEqual(widgetBuildNeeded(root), { needed: true, reason: 'dist/kyc-onboarding.js is not built yet' });
    write(root, 'dist/kyc-onboarding.js', 2_000);
    assert.equal(widgetBuildNeeded(root).needed, true, 'the locale files are part of the build');
    for (const file of BUILD.filter((file) => file !== 'dist/wallet.js')) write(root, file, 2_000);
    assert.deepEqual(widgetBuildNeeded(root), { needed: true, reason: 'dist/wallet.js is not built yet' });
  });

  test('skips the build when every built file is newer than every source', () => {
    for (const file of BUILD) write(root, file, 2_000);
    assert.deepEqual(widgetBuildNeeded(root), { needed: false, reason: 'the widget build is up to date' });
    assert.equal(ensureWidgetBuilt(root, { log: () => assert.fail('nothing to log') }), false);
  });

  for (const changed of SOURCES) {
    test(`builds again when ${changed} changed after the build`, () => {
      for (const file of BUILD) write(root, file, 2_000);
      write(root, changed, 3_000);
      assert.deepEqual(widgetBuildNeeded(root), { needed: true, reason: 'the widget sources changed since the last build' });
    });
  }

  test('builds again when one built file is older than the sources (an interrupted build)', () => {
    for (const file of BUILD) write(root, file, 2_000);
    write(root, 'dist/locales/fr.js', 500);
    assert.equal(widgetBuildNeeded(root).needed, true);
  });

  test('DEMO_SKIP_BUILD serves the build as it is, and says what to do when there is none', () => {
    write(root, 'widget/index.ts', 3_000);
    assert.throws(() => ensureWidgetBuilt(root, { skip: true }), { name: 'DemoStartError', message: /dist\/kyc-onboarding\.js is missing and DEMO_SKIP_BUILD is set: run npm run build first/ });
    for (const file of BUILD) write(root, file, 2_000);
    assert.equal(ensureWidgetBuilt(root, { skip: true, log: () => assert.fail('nothing to log') }), false);
  });
});
