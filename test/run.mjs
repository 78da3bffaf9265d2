#!/usr/bin/env node
// The whole test command (`npm test`): type-check, Node tests, browser tests, end-to-end tests. Each stage streams its own
// output and closing line; this script ends with the total as one plain `N passed, N failed` line.
//
// Usage: node test/run.mjs [typecheck|node|browser|e2e ...]   (no argument: every stage, in that order)
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages } from './support/system-packages.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Test files below test/ whose path matches `include` and not `exclude`. */
function testFiles(include, exclude) {
  return readdirSync(join(root, 'test'), { recursive: true })
    .map((file) => join('test', String(file)))
    .filter((file) => file.endsWith('.test.ts') && include.test(file) && !exclude.test(file))
    .sort();
}

const stages = {
  typecheck: {
    title: 'type-check',
    commands: [
      [bin('tsc'), ['-p', 'tsconfig.json']],
      [bin('tsc'), ['-p', 'tsconfig.web.json']],
    ],
  },
  node: {
    title: 'Node tests',
    // Some Node tests drive Chromium (a real upload) or a real redis-server.
    before: () => ensureSystemPackages(),
    commands: () => [[process.execPath, [
      '--import', 'tsx', '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=./test/support/node-summary-reporter.mjs', '--test-reporter-destination=stdout',
      ...testFiles(/./, /^test[/\\](widget|e2e)[/\\]/),
    ]]],
    counted: true,
  },
  browser: {
    title: 'browser tests',
    before: () => {
      ensureSystemPackages();
      // Some browser tests load the built script-tag bundle, as a sale's page does.
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
    },
    commands: [[bin('wtr'), ['--config', 'web-test-runner.config.mjs']]],
    counted: true,
  },
  e2e: {
    title: 'end-to-end tests',
    before: () => {
      ensureSystemPackages();
      // The demo serves the built widget.
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
    },
    commands: () => [[process.execPath, [
      '--import', 'tsx', '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=./test/support/node-summary-reporter.mjs', '--test-reporter-destination=stdout',
      ...testFiles(/^test[/\\]e2e[/\\]/, /^$/),
    ]]],
    counted: true,
  },
};

const SUMMARY = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/;

function run(command, args) {
  return new Promise((resolve) => {
    let lastSummary = null;
    let pending = '';
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0' } });
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const match = SUMMARY.exec(line.trim());
        if (match) lastSummary = { passed: +match[1], failed: +match[2], skipped: +(match[3] ?? 0) };
      }
    });
    child.on('close', (code) => resolve({ code, summary: lastSummary }));
  });
}

const requested = process.argv.slice(2);
const selected = requested.length ? requested : Object.keys(stages);
const total = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

for (const name of selected) {
  const stage = stages[name];
  if (!stage) {
    console.error(`Unknown stage "${name}". Stages: ${Object.keys(stages).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== ${stage.title} ===`);
  try {
    stage.before?.();
  } catch (error) {
    console.error(error.message);
    total.failed += 1;
    exitCode = 1;
    continue;
  }
  const commands = typeof stage.commands === 'function' ? stage.commands() : stage.commands;
  for (const [command, args] of commands) {
    const { code, summary } = await run(command, args);
    if (stage.counted) {
      if (summary) {
        total.passed += summary.passed;
        total.failed += summary.failed;
        total.skipped += summary.skipped;
      }
      // A runner that crashed before its closing line counts as one failure, never as nothing.
      if (!summary || (code !== 0 && summary.failed === 0)) total.failed += 1;
    } else if (code !== 0) {
      total.failed += 1;
    }
    if (code !== 0) exitCode = 1;
  }
}

console.log(`\n=== total (${selected.join(', ')}) ===`);
const skipped = total.skipped ? `, ${total.skipped} skipped` : '';
console.log(`${total.passed} passed, ${total.failed} failed${skipped}`);
process.exit(exitCode || (total.failed > 0 ? 1 : 0));
