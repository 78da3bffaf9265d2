import { expect } from '@esm-bundle/chai';
import type { ProxyClient } from '../../../widget/api/proxy-client.js';
import type { UploadTicket } from '../../../widget/api/proxy-types.js';
import { buildUploadForm, uploadToS3, type UploadProgress } from '../../../widget/upload/presigned-upload.js';
import { UploadError, uploadErrorFromS3 } from '../../../widget/upload/upload-error.js';
import { uploadWithRetry, type TicketReason } from '../../../widget/upload/upload-with-retry.js';
import { backendInfo, fakeFile, setS3Clock, signIn, testClient } from './backend.js';

const FORM_LIFETIME_MS = 15 * 60 * 1000;

async function uploadRejection(promise: Promise<unknown>): Promise<UploadError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(UploadError);
    return error as UploadError;
  }
  throw new Error('expected the upload to fail');
}

describe('presigned S3 uploads against the sandbox\'s S3 stand-in', () => {
  let client: ProxyClient;
  let token: string;

  async function ticket(field: UploadTicket['field'] = 'documentIdFile', contentType: UploadTicket['contentType'] = 'image/jpeg'): Promise<UploadTicket> {
    return (await client.requestUploads(token, [{ field, contentType }])).uploads[0]!;
  }

  before(async () => {
    client = await testClient();
    token = (await signIn(client)).token;
  });

  afterEach(async () => {
    await setS3Clock(0);
  });

  it('posts the policy fields in the ticket\'s order and the file last, which S3 accepts', async () => {
    const form = await ticket();
    const file = fakeFile('image/jpeg', 250 * 1024, 'passport.jpg');
    const names = [...buildUploadForm(form, file).keys()];
    expect(names).to.deep.equal([...Object.keys(form.fields), 'file']);
    expect(await uploadToS3(form, file)).to.deep.equal({ key: form.key });
  });

  it('would be refused with the file first: S3 checks the policy before the file', async () => {
    const form = await ticket();
    const body = new FormData();
    body.append('file', fakeFile('image/jpeg', 250 * 1024), 'passport.jpg');
    for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
    const response = await fetch(form.url, { method: 'POST', body });
    expect(response.ok).to.equal(false);
    expect(uploadErrorFromS3(response.status, await response.text()).kind).to.equal('rejected');
  });

  it('reports progress up to the whole size', async () => {
    const form = await ticket();
    const file = fakeFile('image/jpeg', 3 * 1024 * 1024);
    const progress: UploadProgress[] = [];
    await uploadToS3(form, file, { onProgress: (event) => progress.push(event) });
    expect(progress.length).to.be.greaterThan(0);
    const last = progress.at(-1)!;
    expect(last.loaded).to.equal(last.total);
    // The multipart body is the file plus the form fields around it.
    expect(last.total).to.be.greaterThan(file.size);
    for (let i = 1; i < progress.length; i += 1) expect(progress[i]!.loaded).to.be.at.least(progress[i - 1]!.loaded);
  });

  it('explains a file S3 refuses as too small, and does not retry it', async () => {
    const form = await ticket();
    let attempts = 0;
    const failure = await uploadRejection(
      uploadWithRetry(async () => form, fakeFile('image/jpeg', 100 * 1024), {
        baseDelayMs: 1,
        attempt: (t, f, o) => {
          attempts += 1;
          return uploadToS3(t, f, o);
        },
      }),
    );
    expect(failure.kind).to.equal('rejected');
    expect(failure.s3Code).to.equal('EntityTooSmall');
    expect(failure.status).to.equal(400);
    expect(failure.message).to.match(/^S3 answered 400 EntityTooSmall/);
    expect(attempts).to.equal(1);
  });

  it('retries after a network failure with backoff and then succeeds', async () => {
    const { closedUrl } = await backendInfo();
    const form = await ticket();
    const retries: string[] = [];
    const urls: string[] = [];
    const result = await uploadWithRetry(async () => form, fakeFile('image/jpeg', 210 * 1024), {
      baseDelayMs: 5,
      onRetry: (info) => retries.push(`${info.reason}:${info.error.kind}`),
      // The first attempt goes to a port nothing listens on: a real connection failure.
      attempt: (t, f, o) => {
        const target = urls.length === 0 ? { ...t, url: closedUrl } : t;
        urls.push(target.url);
        return uploadToS3(target, f, o);
      },
    });
    expect(result.key).to.equal(form.key);
    expect(retries).to.deep.equal(['network:network']);
    expect(urls).to.deep.equal([closedUrl, form.url]);
  });

  it('gives up after three network failures', async () => {
    const { closedUrl } = await backendInfo();
    const form = { ...(await ticket()), url: closedUrl };
    let attempts = 0;
    const failure = await uploadRejection(
      uploadWithRetry(async () => form, fakeFile('image/jpeg', 210 * 1024), {
        baseDelayMs: 1,
        attempt: (t, f, o) => {
          attempts += 1;
          return uploadToS3(t, f, o);
        },
      }),
    );
    expect(failure.kind).to.equal('network');
    expect(attempts).to.equal(3);
  });

  it('gets a fresh ticket when S3 says the policy expired', async () => {
    const reasons: TicketReason[] = [];
    const keys: string[] = [];
    const getTicket = async (reason: TicketReason): Promise<UploadTicket> => {
      reasons.push(reason);
      // The first form outlives its 15 minutes at S3; the fresh one is asked for in the present.
      await setS3Clock(reason === 'first' ? FORM_LIFETIME_MS + 60_000 : 0);
      const form = await ticket();
      keys.push(form.key);
      return form;
    };
    const retries: string[] = [];
    const result = await uploadWithRetry(getTicket, fakeFile('image/png', 210 * 1024), { onRetry: (info) => retries.push(`${info.reason}:${info.error.s3Code}`) });
    expect(reasons).to.deep.equal(['first', 'expired']);
    expect(retries).to.deep.equal(['expired:AccessDenied']);
    expect(result.key).to.equal(keys[1]);
    expect(result.ticket.key).to.equal(keys[1]);
  });

  it('says an expired form is expired, not rejected', async () => {
    const form = await ticket();
    await setS3Clock(FORM_LIFETIME_MS + 60_000);
    const failure = await uploadRejection(uploadToS3(form, fakeFile('image/jpeg', 210 * 1024)));
    expect(failure.kind).to.equal('expired');
    expect(failure.s3Code).to.equal('AccessDenied');
  });

  it('asks for a fresh ticket before sending when the ticket\'s expiresAt has passed', async () => {
    const first = await ticket();
    const reasons: TicketReason[] = [];
    let attempts = 0;
    const result = await uploadWithRetry(
      async (reason) => {
        reasons.push(reason);
        return reason === 'first' ? first : ticket();
      },
      fakeFile('image/jpeg', 210 * 1024),
      {
        // The browser's clock says the first form has expired: sending it would only waste the upload.
        now: () => (first.expiresAt + 1) * 1000,
        attempt: (t, f, o) => {
          attempts += 1;
          return uploadToS3(t, f, o);
        },
      },
    );
    expect(reasons).to.deep.equal(['first', 'expired']);
    expect(attempts).to.equal(1);
    expect(result.key).to.not.equal(first.key);
  });

  it('cancels an upload under way, and one cancelled before it started', async () => {
    const form = await ticket();
    const controller = new AbortController();
    let progressEvents = 0;
    const failure = await uploadRejection(
      uploadToS3(form, fakeFile('image/jpeg', 15 * 1024 * 1024), {
        signal: controller.signal,
        onProgress: () => {
          progressEvents += 1;
          controller.abort();
        },
      }),
    );
    expect(failure.kind).to.equal('aborted');
    expect(progressEvents).to.be.at.least(1);

    const before = new AbortController();
    before.abort();
    expect((await uploadRejection(uploadWithRetry(async () => form, fakeFile('image/jpeg', 210 * 1024), { signal: before.signal }))).kind).to.equal('aborted');
  });

  it('reads S3 error answers into kinds and codes', () => {
    const xml = (code: string, message: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>1</RequestId></Error>`;
    const large = uploadErrorFromS3(400, xml('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', '<MaxSizeAllowed>20971520</MaxSizeAllowed>'));
    expect([large.kind, large.s3Code, large.message]).to.deep.equal(['rejected', 'EntityTooLarge', 'S3 answered 400 EntityTooLarge: Your proposed upload exceeds the maximum allowed size']);
    expect(uploadErrorFromS3(403, xml('AccessDenied', 'Invalid according to Policy: Policy expired.')).kind).to.equal('expired');
    expect(uploadErrorFromS3(403, xml('AccessDenied', 'Invalid according to Policy: Policy Condition failed: [&quot;eq&quot;, &quot;$Content-Type&quot;, &quot;image/png&quot;]')).kind).to.equal('rejected');
    expect(uploadErrorFromS3(503, xml('SlowDown', 'Please reduce your request rate.')).kind).to.equal('network');
    expect(uploadErrorFromS3(502, '<html>Bad gateway</html>').kind).to.equal('network');
  });
});
