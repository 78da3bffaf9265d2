import { expect } from '@esm-bundle/chai';
import { createSseParser, type SseEvent } from '../../../widget/api/sse-parser.js';

/** Feed `chunks` to a new parser and collect what it reports. */
function parse(chunks: readonly string[]) {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const parser = createSseParser({ onEvent: (event) => events.push(event), onRetry: (ms) => retries.push(ms), onComment: (text) => comments.push(text) });
  for (const chunk of chunks) parser.feed(chunk);
  return { events, retries, comments, parser };
}

/** Every way to cut `text` in two, and one character at a time. */
function splits(text: string): string[][] {
  const ways = [[text], [...text]];
  for (let at = 1; at < text.length; at += 1) ways.push([text.slice(0, at), text.slice(at)]);
  return ways;
}

const PROXY_STREAM =
  'retry: 3000\n\n' +
  'id: 4\nevent: status\ndata: {"state":"pending","reasons":[],"whitelist":"unprocessed","submissionCount":1}\n\n' +
  ': keep-alive\n\n' +
  'id: 5\nevent: status\ndata: {"state":"approved","reasons":[],"whitelist":"unprocessed","submissionCount":1}\n\n' +
  'event: reauth\ndata: {"reason":"token_expired"}\n\n';

describe('SSE parser', () => {
  it('reads the proxy\'s stream the same however it is cut into chunks', () => {
    for (const chunks of splits(PROXY_STREAM)) {
      const { events, retries, comments } = parse(chunks);
      expect(events.map((event) => [event.event, event.id])).to.deep.equal([['status', '4'], ['status', '5'], ['reauth', '5']]);
      expect(JSON.parse(events[1]!.data)).to.include({ state: 'approved' });
      expect(retries).to.deep.equal([3000]);
      expect(comments).to.deep.equal([' keep-alive']);
    }
  });

  it('accepts CRLF, LF and CR line ends, a CRLF split across chunks included', () => {
    const text = 'data: a\r\ndata: b\rdata: c\n\r\n';
    for (const chunks of splits(text)) {
      const { events } = parse(chunks);
      expect(events).to.deep.equal([{ event: 'message', data: 'a\nb\nc', id: '' }]);
    }
    // CR then LF in the next chunk is one line break, not an empty line that would dispatch early.
    expect(parse(['data: x\r', '\ndata: y\r\n\r\n']).events).to.deep.equal([{ event: 'message', data: 'x\ny', id: '' }]);
    expect(parse(['data: x\r', '', '\ndata: y\r\n\r\n']).events).to.deep.equal([{ event: 'message', data: 'x\ny', id: '' }]);
  });

  it('drops one space after the colon, keeps others, and reads a field without a colon as empty', () => {
    const { events } = parse(['data:no space\ndata:  two spaces\ndata\n\n']);
    expect(events[0]?.data).to.equal('no space\n two spaces\n');
  });

  it('does not dispatch an event without data, and resets its type', () => {
    const { events } = parse(['event: status\n\n', 'data: plain\n\n']);
    expect(events).to.deep.equal([{ event: 'message', data: 'plain', id: '' }]);
  });

  it('keeps the last event id for later events, ignores an id with NUL, and an empty id clears it', () => {
    const { events, parser } = parse(['id: 7\ndata: a\n\n', 'data: b\n\n', 'id: 8\u00009\ndata: c\n\n', 'id\ndata: d\n\n']);
    expect(events.map((event) => event.id)).to.deep.equal(['7', '7', '7', '']);
    expect(parser.lastEventId).to.equal('');
  });

  it('takes retry only when it is all ASCII digits', () => {
    expect(parse(['retry: 1500\nretry: 2s\nretry: -1\nretry: 1.5\n\n']).retries).to.deep.equal([1500]);
  });

  it('never dispatches an event cut off by the end of the stream, and reset forgets it', () => {
    const { events, parser } = parse(['id: 3\ndata: complete\n\n', 'event: status\ndata: cut']);
    expect(events).to.have.length(1);
    parser.reset();
    parser.feed('data: next\n\n');
    expect(events[1]).to.deep.equal({ event: 'message', data: 'next', id: '3' });
  });

  it('strips a byte order mark at the start of a stream only', () => {
    const { events } = parse(['\uFEFFdata: a\n\n', '\uFEFFdata: b\n\n']);
    expect(events.map((event) => event.data)).to.deep.equal(['a']);
  });

  it('ignores unknown fields and keeps colons inside values', () => {
    const { events } = parse(['foo: bar\nevent: status\ndata: {"a":"b:c"}\n\n']);
    expect(events).to.deep.equal([{ event: 'status', data: '{"a":"b:c"}', id: '' }]);
  });
});
