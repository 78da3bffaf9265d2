/**
 * Real files for the documents step, made fresh by each test: photos drawn on a canvas in the browser
 * and encoded by it (`toBlob`, as a phone's camera app or a screenshot tool would), and a PDF written
 * here. Each is a valid file of its type, padded with noise into the sale's 200 KB–20 MB window, since
 * the provider refuses anything smaller (a blank image compresses to a few KB).
 */
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';

/** A file as `locator.setInputFiles` takes it. */
export interface TestFile {
  name: string;
  mimeType: 'image/jpeg' | 'image/png' | 'application/pdf';
  buffer: Buffer;
}

/** The provider's size window for every file (OST KYC v2: 200 KB to 20 MB). */
export const MIN_FILE_BYTES = 200 * 1024;
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** What to draw on a photo. */
export interface PhotoOptions {
  name: string;
  type: 'image/jpeg' | 'image/png';
  /** The big word on the card, e.g. `PASSPORT`. */
  title: string;
  /** The card's colour, a CSS hue in degrees. */
  hue: number;
}

/** The browser globals the canvas drawing uses (this tsconfig has no DOM types). */
interface CanvasGlobals {
  document: { createElement(name: 'canvas'): Canvas };
  btoa(data: string): string;
}
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): Canvas2d;
  toBlob(done: (blob: { arrayBuffer(): Promise<ArrayBuffer> } | null) => void, type: string, quality?: number): void;
}
interface Canvas2d {
  fillStyle: string;
  font: string;
  fillRect(x: number, y: number, width: number, height: number): void;
  fillText(text: string, x: number, y: number): void;
  beginPath(): void;
  arc(x: number, y: number, radius: number, start: number, end: number): void;
  fill(): void;
  getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
  putImageData(image: { data: Uint8ClampedArray }, x: number, y: number): void;
}

/** Draw a document-like card with a little sensor noise on a canvas in `browser`, encoded as `type`. */
export async function makePhoto(browser: Browser, options: PhotoOptions): Promise<TestFile> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const base64 = await page.evaluate(async ({ title, hue, type }) => {
      const browserGlobals = globalThis as unknown as CanvasGlobals;
      const canvas = browserGlobals.document.createElement('canvas');
      canvas.width = 1200;
      canvas.height = 800;
      const draw = canvas.getContext('2d');
      draw.fillStyle = `hsl(${hue} 45% 82%)`;
      draw.fillRect(0, 0, 1200, 800);
      draw.fillStyle = `hsl(${hue} 50% 35%)`;
      draw.fillRect(0, 0, 1200, 140);
      draw.fillStyle = '#fff';
      draw.font = 'bold 72px sans-serif';
      draw.fillText(title, 60, 100);
      draw.fillStyle = `hsl(${hue} 20% 60%)`;
      draw.beginPath();
      draw.arc(230, 420, 140, 0, Math.PI * 2);
      draw.fill();
      draw.fillStyle = '#222';
      draw.font = '44px sans-serif';
      ['ADA LOVELACE', '10 DEC 1990', 'GBR', 'X1234567'].forEach((line, index) => draw.fillText(line, 460, 300 + index * 90));
      // Noise, as a camera sensor adds: it keeps the file from compressing below the provider's minimum.
      const image = draw.getImageData(0, 0, 1200, 800);
      for (let index = 0; index < image.data.length; index += 4) {
        const grain = (Math.random() - 0.5) * 40;
        image.data[index] = (image.data[index] ?? 0) + grain;
        image.data[index + 1] = (image.data[index + 1] ?? 0) + grain;
        image.data[index + 2] = (image.data[index + 2] ?? 0) + grain;
      }
      draw.putImageData(image, 0, 0);
      const blob = await new Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>((resolve) => canvas.toBlob(resolve, type, 0.92));
      if (blob === null) throw new Error(`The canvas could not encode ${type}`);
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (let index = 0; index < bytes.length; index += 0x8000) binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
      return browserGlobals.btoa(binary);
    }, options);
    return checked({ name: options.name, mimeType: options.type, buffer: Buffer.from(base64, 'base64') });
  } finally {
    await context.close();
  }
}

/**
 * A one-page PDF with a line of text, padded with an unreferenced stream of random bytes (valid PDF:
 * readers skip objects nothing points to) to `paddingBytes`. The cross-reference table has the real offsets.
 */
export function makePdf(name: string, text: string, paddingBytes = 260 * 1024): TestFile {
  const content = `BT /F1 24 Tf 72 760 Td (${text.replace(/[()\\]/g, '\\$&')}) Tj ET`;
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>'),
    Buffer.from(`<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
    Buffer.concat([Buffer.from(`<< /Length ${paddingBytes} >>\nstream\n`), randomBytes(paddingBytes), Buffer.from('\nendstream')]),
  ];
  // The binary comment line tells tools the file holds binary data.
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xE2\xE3\xCF\xD3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0]?.length ?? 0;
  objects.forEach((body, index) => {
    offsets.push(length);
    const object = Buffer.concat([Buffer.from(`${index + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    parts.push(object);
    length += object.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`));
  return checked({ name, mimeType: 'application/pdf', buffer: Buffer.concat(parts) });
}

/** The file, once it is known to be within the provider's size window (a test file outside it proves nothing). */
function checked(file: TestFile): TestFile {
  const size = file.buffer.length;
  if (size < MIN_FILE_BYTES || size > MAX_FILE_BYTES) throw new Error(`${file.name} is ${size} bytes, outside ${MIN_FILE_BYTES}–${MAX_FILE_BYTES}`);
  return file;
}
