/**
 * The allowlist's CSV writer: RFC 4180 quoting, CRLF lines, and the guard against spreadsheet formula
 * injection (OWASP "CSV injection") on every cell, whatever its column.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allowlistCsv, csvCell, csvText } from '../../../proxy/allowlist/allowlist-csv.js';
import type { AllowlistDocument } from '../../../proxy/allowlist/allowlist-document.js';

describe('csvCell', () => {
  test('leaves a plain value alone', () => {
    assert.equal(csvCell('0x32Be343B94f860124dC4fEe278FDCBD38C102D88'), '0x32Be343B94f860124dC4fEe278FDCBD38C102D88');
    assert.equal(csvCell('2025-01-02T03:04:05.000Z'), '2025-01-02T03:04:05.000Z');
    assert.equal(csvCell(''), '');
  });

  test('quotes a value holding a comma, a quote, CR or LF, doubling inner quotes', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
    assert.equal(csvCell('line\r\nbreak'), '"line\r\nbreak"');
  });

  test('puts a quote mark before a cell a spreadsheet would run as a formula', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil.test","x")'), '"\'=HYPERLINK(""http://evil.test"",""x"")"');
    assert.equal(csvCell('+1+1'), "'+1+1");
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell('@SUM(A1:A2)'), "'@SUM(A1:A2)");
    assert.equal(csvCell('\t=1'), "'\t=1");
    assert.equal(csvCell('\r=1'), '"\'\r=1"');
    // Only the first character matters.
    assert.equal(csvCell('a=1'), 'a=1');
  });
});

describe('csvText', () => {
  test('ends every line with CRLF and guards every cell', () => {
    assert.equal(csvText([['a', 'b'], ['=1', 'x,y']]), 'a,b\r\n\'=1,"x,y"\r\n');
  });
});

describe('allowlistCsv', () => {
  test('writes the header and one row per investor, the proof joined by semicolons', () => {
    const document: AllowlistDocument = {
      sale: 'acme',
      generatedAt: '2025-01-02T03:04:05.000Z',
      provenOnly: false,
      merkle: { format: 'standard-v1', leafEncoding: ['address'], root: `0x${'1'.repeat(64)}`, leaves: 2 },
      investors: [
        { userId: '7', address: '0x32Be343B94f860124dC4fEe278FDCBD38C102D88', proven: true, proofMethod: 'eip191', provenAt: '2025-01-01T00:00:00.000Z', siweMessage: 'm', siweSignature: '0x00', whitelistStatus: 'done', submittedAt: '2025-01-01T00:00:01.000Z', merkleProof: [`0x${'a'.repeat(64)}`, `0x${'b'.repeat(64)}`] },
        { userId: '9', address: '0xd9964bDF3fAeDc28E4Fc656D207e3606107508F3', proven: false, whitelistStatus: 'done', submittedAt: '2025-01-01T00:00:02.000Z', merkleProof: [`0x${'c'.repeat(64)}`] },
      ],
      duplicates: [],
      skipped: [],
    };
    assert.equal(allowlistCsv(document), [
      'user_id,ethereum_address,proven,proof_method,proven_at,merkle_proof',
      `7,0x32Be343B94f860124dC4fEe278FDCBD38C102D88,true,eip191,2025-01-01T00:00:00.000Z,0x${'a'.repeat(64)};0x${'b'.repeat(64)}`,
      `9,0xd9964bDF3fAeDc28E4Fc656D207e3606107508F3,false,,,0x${'c'.repeat(64)}`,
      '',
    ].join('\r\n'));
  });
});
