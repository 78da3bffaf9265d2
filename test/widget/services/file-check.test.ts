import { expect } from '@esm-bundle/chai';
import { checkFile, sniffContentType } from '../../../widget/upload/file-check.js';
import { canvasBlob, documentPhoto, pdfFile } from './images.js';

const LIMITS = { contentTypes: ['image/jpeg', 'image/png', 'application/pdf'], minBytes: 204800, maxBytes: 20971520 };

describe('file checks before upload', () => {
  it('accepts real JPEG, PNG and PDF files in the size range, by their bytes', async () => {
    const jpeg = await canvasBlob(documentPhoto(1200, 900), 'image/jpeg', 0.95);
    const png = await canvasBlob(documentPhoto(500, 400), 'image/png');
    const pdf = pdfFile(250 * 1024);
    for (const [file, type] of [[jpeg, 'image/jpeg'], [png, 'image/png'], [pdf, 'application/pdf']] as const) {
      expect(file.size).to.be.within(LIMITS.minBytes, LIMITS.maxBytes);
      expect(await checkFile(file, LIMITS)).to.deep.equal({ ok: true, contentType: type });
    }
  });

  it('trusts the bytes, not the name or the browser\'s guess', async () => {
    const png = await canvasBlob(documentPhoto(500, 400), 'image/png');
    expect(await checkFile(new File([png], 'scan.jpg', { type: 'image/jpeg' }), LIMITS)).to.deep.equal({ ok: true, contentType: 'image/png' });
    expect(await checkFile(new File([png], 'scan', { type: '' }), LIMITS)).to.deep.equal({ ok: true, contentType: 'image/png' });

    const gif = new File([new TextEncoder().encode('GIF89a'), new Uint8Array(300 * 1024)], 'photo.png', { type: 'image/png' });
    const refused = await checkFile(gif, LIMITS);
    expect(refused.ok).to.equal(false);
    if (refused.ok) return;
    expect(refused.rule).to.equal('file_type');
    // Nothing known was read from the bytes: no type to name.
    expect(refused.params).to.deep.equal({});
    expect(await sniffContentType(new File(['hello'], 'a.pdf'))).to.equal(undefined);
  });

  it('refuses a type the sale does not take, naming the type it read', async () => {
    const refused = await checkFile(pdfFile(250 * 1024), { ...LIMITS, contentTypes: ['image/jpeg', 'image/png'] });
    expect(refused).to.include({ ok: false, rule: 'file_type', contentType: 'application/pdf' });
    if (!refused.ok) expect(refused.params).to.deep.equal({ type: 'application/pdf' });
  });

  it('explains a file under 200 KB', async () => {
    const small = await canvasBlob(documentPhoto(40, 30, 0), 'image/png');
    const refused = await checkFile(small, LIMITS);
    expect(refused).to.include({ ok: false, rule: 'too_small', contentType: 'image/png' });
    if (refused.ok) return;
    expect(refused.params).to.deep.equal({ min: 204800, size: small.size });
  });

  it('explains a file over 20 MB, keeping its type for downscaling', async () => {
    const large = pdfFile(21 * 1024 * 1024);
    const refused = await checkFile(large, LIMITS);
    expect(refused).to.include({ ok: false, rule: 'too_large', contentType: 'application/pdf' });
    if (refused.ok) return;
    expect(refused.params).to.deep.equal({ max: 20971520, size: large.size });
  });

  it('checks the type before the size (a tiny text file is the wrong type, not too small)', async () => {
    const refused = await checkFile(new File(['not a document'], 'id.jpg', { type: 'image/jpeg' }), LIMITS);
    expect(refused).to.include({ ok: false, rule: 'file_type' });
  });
});
