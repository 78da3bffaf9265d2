/**
 * The allowlist command's arguments: what it accepts, and a clear refusal with exit code 64 and the
 * usage line for anything else.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CliError, readArguments, USAGE } from '../../../proxy/allowlist/cli-arguments.js';

/** The refusal of `args`, asserted to be a usage error. */
function refusal(args: string[]): string {
  try {
    readArguments(args);
  } catch (error) {
    assert.ok(error instanceof CliError);
    assert.equal(error.exitCode, 64);
    assert.ok(error.message.endsWith(`\n${USAGE}`), 'ends with the usage line');
    return error.message;
  }
  return assert.fail(`${JSON.stringify(args)} was accepted`);
}

describe('readArguments', () => {
  test('reads the sale, the format, --proven-only and --out, in any order and with =', () => {
    assert.deepEqual(readArguments(['--sale', 'acme', '--format', 'csv']), { sale: 'acme', format: 'csv', provenOnly: false, out: undefined });
    assert.deepEqual(readArguments(['--out=list.json', '--proven-only', '--format=json', '--sale=beta']), { sale: 'beta', format: 'json', provenOnly: true, out: 'list.json' });
  });

  test('--help (or -h) asks for the usage', () => {
    assert.equal(readArguments(['--help']), undefined);
    assert.equal(readArguments(['-h', '--sale', 'acme']), undefined);
  });

  test('refuses a missing sale or format, a format it does not write, an empty --out', () => {
    assert.match(refusal(['--format', 'csv']), /^--sale <id> is required/);
    assert.match(refusal(['--sale', '', '--format', 'csv']), /^--sale <id> is required/);
    assert.match(refusal(['--sale', 'acme']), /^--format csv\|json is required/);
    assert.match(refusal(['--sale', 'acme', '--format', 'xlsx']), /^--format must be csv or json, not "xlsx"/);
    assert.match(refusal(['--sale', 'acme', '--format', 'csv', '--out=']), /^--out needs a file name/);
  });

  test('refuses an unknown option, a positional argument and an option without its value', () => {
    assert.match(refusal(['--sale', 'acme', '--format', 'csv', '--verbose']), /Unknown option '--verbose'/);
    assert.match(refusal(['--sale', 'acme', '--format', 'csv', 'extra']), /positional/i);
    assert.match(refusal(['--format', 'csv', '--sale']), /--sale/);
    assert.match(refusal(['--sale', 'acme', '--format', 'csv', '--proven-only=yes']), /--proven-only/);
  });
});
