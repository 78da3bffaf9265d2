/**
 * A parser of `text/event-stream` as the HTML standard defines it ("Parsing an event stream",
 * §9.2.6), fed decoded text in chunks split anywhere (inside a line, between the CR and LF of a CRLF).
 * The status stream reads the proxy's events over `fetch` (EventSource cannot send an `Authorization`
 * header), so it needs this part of EventSource on its own.
 *
 * - Lines end with CRLF, LF or CR. A line starting with `:` is a comment (the proxy's heartbeats).
 * - `field: value` (one space after the colon dropped; a line without a colon is a field with an empty
 *   value); `data` lines are joined with LF; `event` names the type (default `message`); `id` sets the
 *   last event id, which then stays for later events (ignored when it contains U+0000); `retry` with
 *   ASCII digits only sets the reconnection time. Other fields are ignored.
 * - A blank line dispatches the event, unless no `data` came. An event cut off by the end of the stream
 *   is never dispatched (call {@link SseParser.reset} before reading a new connection).
 */

/** One dispatched event. */
export interface SseEvent {
  /** The event type (`message` when the event named none). */
  event: string;
  data: string;
  /** The last event id at dispatch time ('' when none was ever set). */
  id: string;
}

/** What the parser reports. */
export interface SseParserCallbacks {
  onEvent(event: SseEvent): void;
  /** A valid `retry` field: the reconnection time in ms. */
  onRetry?(ms: number): void;
  /** A comment line (without its leading colon). */
  onComment?(text: string): void;
}

/** A parser fed with text chunks. */
export interface SseParser {
  /** Parse the next chunk of decoded text. */
  feed(chunk: string): void;
  /**
   * Forget a partial line and event (a new connection). The last event id is kept, as EventSource keeps
   * it across reconnections.
   */
  reset(): void;
  /** The last event id seen. */
  readonly lastEventId: string;
}

/** Create a parser reporting to `callbacks`. */
export function createSseParser(callbacks: SseParserCallbacks): SseParser {
  let pending = '';
  let atStreamStart = true;
  /** The previous chunk ended with CR: an LF opening the next one belongs to that line break. */
  let skipLeadingLf = false;
  let data = '';
  let hasData = false;
  let eventType = '';
  let lastEventId = '';

  function dispatch(): void {
    if (!hasData) {
      eventType = '';
      return;
    }
    const event: SseEvent = { event: eventType === '' ? 'message' : eventType, data: data.endsWith('\n') ? data.slice(0, -1) : data, id: lastEventId };
    data = '';
    hasData = false;
    eventType = '';
    callbacks.onEvent(event);
  }

  function processLine(line: string): void {
    if (line === '') {
      dispatch();
      return;
    }
    if (line.startsWith(':')) {
      callbacks.onComment?.(line.slice(1));
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        eventType = value;
        break;
      case 'data':
        data += `${value}\n`;
        hasData = true;
        break;
      case 'id':
        if (!value.includes('\u0000')) lastEventId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) callbacks.onRetry?.(Number(value));
        break;
      default:
        break;
    }
  }

  return {
    feed(chunk) {
      if (chunk === '') return;
      let text = chunk;
      if (skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
      skipLeadingLf = false;
      if (atStreamStart) {
        if (text.startsWith('\uFEFF')) text = text.slice(1);
        atStreamStart = false;
      }
      let buffer = pending + text;
      let start = 0;
      for (let index = 0; index < buffer.length; index += 1) {
        const char = buffer[index];
        if (char !== '\r' && char !== '\n') continue;
        processLine(buffer.slice(start, index));
        if (char === '\r') {
          if (index + 1 === buffer.length) skipLeadingLf = true;
          else if (buffer[index + 1] === '\n') index += 1;
        }
        start = index + 1;
      }
      buffer = buffer.slice(start);
      pending = buffer;
    },
    reset() {
      pending = '';
      atStreamStart = true;
      skipLeadingLf = false;
      data = '';
      hasData = false;
      eventType = '';
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}
