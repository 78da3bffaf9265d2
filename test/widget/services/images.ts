/**
 * Real files for the file-check and downscaling tests, made in the browser: photos drawn on a canvas and
 * encoded by it, and a small but valid PDF.
 */

/** Encode `canvas` as `type`. */
export function canvasBlob(canvas: HTMLCanvasElement, type: 'image/jpeg' | 'image/png', quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('toBlob failed'))), type, quality));
}

/** A seeded pseudo-random generator (xorshift), so a picture's size is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/**
 * A photographed document: a paper-coloured page with lines of text and sensor noise (noise is what
 * makes camera photos large), `width`×`height`.
 */
export function documentPhoto(width: number, height: number, noise = 40): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#f4efe4';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#1a1a2e';
  const lineHeight = Math.max(12, Math.round(height / 40));
  context.font = `${Math.round(lineHeight * 0.7)}px sans-serif`;
  for (let y = lineHeight * 2; y < height - lineHeight; y += lineHeight) {
    context.fillText(`PASSPORT  P<UTOLEE<<ANN<<<<<<<<<<<<<<<<<<<<< ${y}`, lineHeight, y);
  }
  if (noise > 0) {
    const image = context.getImageData(0, 0, width, height);
    const random = seeded(width * 7919 + height);
    for (let i = 0; i < image.data.length; i += 4) {
      const delta = (random() - 0.5) * noise;
      image.data[i] = image.data[i]! + delta;
      image.data[i + 1] = image.data[i + 1]! + delta;
      image.data[i + 2] = image.data[i + 2]! + delta;
    }
    context.putImageData(image, 0, 0);
  }
  return canvas;
}

/** A minimal valid one-page PDF with a line of text, padded by a comment to at least `minBytes`. */
export function pdfFile(minBytes: number, name = 'proof.pdf'): File {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    '<< /Length 44 >>\nstream\nBT /F1 24 Tf 72 760 Td (Proof of address) Tj ET\nendstream',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const padding = Math.max(0, minBytes - body.length);
  // A comment after %%EOF: readers ignore it, and it makes the file as large as a scanned page.
  return new File([body, `%${'x'.repeat(Math.max(0, padding - 2))}\n`], name, { type: 'application/pdf' });
}
