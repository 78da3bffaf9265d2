/**
 * Fits a photo that is over the size limit (a phone's 48-megapixel shot of a passport) under it, in the
 * browser, before upload: decoded with `createImageBitmap` (EXIF orientation applied), drawn on an
 * `OffscreenCanvas` (or a canvas element where there is none) and re-encoded as JPEG, stepping the
 * quality and then the size down until it fits. The long side is kept at 1600 px or more while that can
 * fit, so a document stays legible to the reviewer.
 *
 * Only JPEG and PNG photos are touched; a PDF, or a file that already fits, is returned as it is.
 */
import { sniffContentType } from './file-check.js';

/** Below this long side a document's small print gets hard to read. */
export const LEGIBLE_LONG_SIDE = 1600;
/** Above this, canvases get slow or refuse (mobile Safari caps canvas area). */
const MAX_LONG_SIDE = 4096;
/** Never shrink below this, even when nothing larger fits. */
const SMALLEST_LONG_SIDE = 800;
const QUALITIES = [0.9, 0.8, 0.7, 0.6];

/** Options of {@link fitImage}. */
export interface FitImageOptions {
  /** Keep at least this long side while possible. Default {@link LEGIBLE_LONG_SIDE}. */
  minLongSide?: number;
}

type Canvas2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** Draw `bitmap` at `width`×`height` on white (a PNG's transparency would turn black in JPEG) and encode. */
async function encodeJpeg(bitmap: ImageBitmap, width: number, height: number, quality: number): Promise<Blob> {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    draw(canvas.getContext('2d'), bitmap, width, height);
    return canvas.convertToBlob({ type: 'image/jpeg', quality });
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  draw(canvas.getContext('2d'), bitmap, width, height);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The photo could not be re-encoded.'))), 'image/jpeg', quality);
  });
}

function draw(context: Canvas2D | null, bitmap: ImageBitmap, width: number, height: number): void {
  if (context === null) throw new Error('The photo could not be re-encoded (no 2D canvas).');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
}

/** `name` with a `.jpg` extension. */
function jpegName(name: string | undefined): string {
  const base = (name ?? 'photo').replace(/\.[A-Za-z0-9]{1,5}$/, '');
  return `${base === '' ? 'photo' : base}.jpg`;
}

/**
 * `file` re-encoded as a JPEG of at most `maxBytes`, or `file` itself when it already fits or is not a
 * JPEG/PNG. When nothing fits even at the smallest size, the smallest attempt is returned (the size
 * check then explains it).
 */
export async function fitImage(file: File | Blob, maxBytes: number, options: FitImageOptions = {}): Promise<File | Blob> {
  if (file.size <= maxBytes) return file;
  const type = await sniffContentType(file);
  if (type !== 'image/jpeg' && type !== 'image/png') return file;
  const minLongSide = options.minLongSide ?? LEGIBLE_LONG_SIDE;
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const longSide = Math.max(bitmap.width, bitmap.height);
    let target = Math.min(longSide, MAX_LONG_SIDE);
    let smallest: Blob | undefined;
    for (;;) {
      const scale = target / longSide;
      const width = Math.max(1, Math.round(bitmap.width * scale));
      const height = Math.max(1, Math.round(bitmap.height * scale));
      let lastSize = Infinity;
      for (const quality of QUALITIES) {
        const blob = await encodeJpeg(bitmap, width, height, quality);
        if (smallest === undefined || blob.size < smallest.size) smallest = blob;
        lastSize = blob.size;
        if (blob.size <= maxBytes) return new File([blob], jpegName((file as Partial<File>).name), { type: 'image/jpeg', lastModified: Date.now() });
      }
      const floor = Math.min(longSide, target > minLongSide ? minLongSide : SMALLEST_LONG_SIDE);
      if (target <= floor) break;
      // Bytes grow with the pixel count: aim straight at the size that should fit, with a margin.
      const estimate = Math.floor(target * Math.sqrt(maxBytes / lastSize) * 0.9);
      target = Math.max(floor, Math.min(estimate, Math.floor(target * 0.85)));
    }
    return new File([smallest ?? file], jpegName((file as Partial<File>).name), { type: 'image/jpeg', lastModified: Date.now() });
  } finally {
    bitmap.close();
  }
}
