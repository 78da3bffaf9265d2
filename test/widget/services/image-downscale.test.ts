import { expect } from '@esm-bundle/chai';
import { sniffContentType } from '../../../widget/upload/file-check.js';
import { fitImage, LEGIBLE_LONG_SIDE } from '../../../widget/upload/image-downscale.js';
import { canvasBlob, documentPhoto, pdfFile } from './images.js';

describe('downscaling photos over the limit', () => {
  it('re-encodes a large PNG photo as a JPEG under the limit, long side kept legible', async () => {
    const png = await canvasBlob(documentPhoto(3000, 2000), 'image/png');
    const limit = 1_500_000;
    expect(png.size).to.be.greaterThan(limit);
    const fitted = await fitImage(new File([png], 'passport.png', { type: 'image/png' }), limit);
    expect(fitted.size).to.be.at.most(limit);
    expect(fitted.type).to.equal('image/jpeg');
    expect((fitted as File).name).to.equal('passport.jpg');
    expect(await sniffContentType(fitted)).to.equal('image/jpeg');
    const bitmap = await createImageBitmap(fitted);
    expect(Math.max(bitmap.width, bitmap.height)).to.be.at.least(LEGIBLE_LONG_SIDE);
    // The proportions survive.
    expect(bitmap.width / bitmap.height).to.be.closeTo(1.5, 0.01);
    bitmap.close();
  });

  it('shrinks below the legible size only when nothing larger fits', async () => {
    const jpeg = await canvasBlob(documentPhoto(2400, 1800, 120), 'image/jpeg', 1);
    const limit = 150_000;
    const fitted = await fitImage(new File([jpeg], 'selfie.jpeg', { type: 'image/jpeg' }), limit);
    expect(fitted.size).to.be.at.most(limit);
    const bitmap = await createImageBitmap(fitted);
    expect(Math.max(bitmap.width, bitmap.height)).to.be.below(LEGIBLE_LONG_SIDE);
    bitmap.close();
  });

  it('paints transparency white, not black', async () => {
    const canvas = documentPhoto(2000, 1500);
    canvas.getContext('2d')!.clearRect(0, 0, 200, 200);
    const png = await canvasBlob(canvas, 'image/png');
    const fitted = await fitImage(png, Math.floor(png.size / 2));
    const bitmap = await createImageBitmap(fitted);
    const probe = document.createElement('canvas');
    probe.width = bitmap.width;
    probe.height = bitmap.height;
    const context = probe.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const [red, green, blue] = context.getImageData(5, 5, 1, 1).data;
    expect(Math.min(red!, green!, blue!)).to.be.above(240);
    bitmap.close();
  });

  it('returns a file that already fits, and a PDF, as they are', async () => {
    const png = await canvasBlob(documentPhoto(300, 200), 'image/png');
    expect(await fitImage(png, png.size)).to.equal(png);
    const pdf = pdfFile(300 * 1024);
    expect(await fitImage(pdf, 100 * 1024)).to.equal(pdf);
  });
});
