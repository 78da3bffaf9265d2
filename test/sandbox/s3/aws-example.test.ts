// The worked example of the S3 documentation, "Example: Browser-Based Upload using HTTP POST (Using AWS
// Signature Version 4)": its base64 policy (CRLF line ends), credentials and published signature.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parsePolicy } from '../../../demo/sandbox/s3/post-policy.js';
import { parseCredential, postPolicySignature } from '../../../demo/sandbox/s3/sigv4.js';
import { bytes, postForm, s3Error, startS3 } from './local-s3.js';
import type { TestS3 } from './local-s3.js';

const POLICY =
  'eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9';
const SIGNATURE = '8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e';
const CREDENTIAL = 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const REDIRECT = 'http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html';

describe('local S3: the AWS SigV4 POST example', () => {
  it('computes the published signature of the published policy', () => {
    const scope = parseCredential(CREDENTIAL);
    assert.ok(scope);
    assert.equal(postPolicySignature(POLICY, SECRET, scope), SIGNATURE);
  });

  it('decodes the policy (CRLF text) with its 11 conditions and expiry', () => {
    const policy = parsePolicy(POLICY);
    assert.equal(policy.expiration, Date.parse('2015-12-30T12:00:00.000Z'));
    assert.equal(policy.conditions.length, 11);
  });

  describe('posted to a local S3 whose clock is at 2015-12-29', () => {
    let s3: TestS3;
    before(async () => {
      s3 = await startS3({
        bucket: 'sigv4examplebucket',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: SECRET,
        now: () => Date.parse('2015-12-29T10:00:00Z'),
      });
    });
    after(async () => {
      await s3.stop();
    });

    const form = {
      key: 'user/user1/${filename}',
      acl: 'public-read',
      success_action_redirect: REDIRECT,
      'Content-Type': 'image/jpeg',
      'x-amz-meta-uuid': '14365123651274',
      'x-amz-server-side-encryption': 'AES256',
      'X-Amz-Credential': CREDENTIAL,
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Date': '20151229T000000Z',
      'x-amz-meta-tag': '',
      Policy: POLICY,
      'X-Amz-Signature': SIGNATURE,
    };

    it('accepts the example form and redirects (303) to success_action_redirect', async () => {
      const res = await fetch(`${s3.url}/sigv4examplebucket`, {
        method: 'POST',
        redirect: 'manual',
        body: (() => {
          const data = new FormData();
          for (const [name, value] of Object.entries(form)) data.append(name, value);
          data.append('file', new Blob([bytes(4096)], { type: 'image/jpeg' }), 'photo.jpg');
          return data;
        })(),
      });
      assert.equal(res.status, 303, await res.text());
      const location = new URL(res.headers.get('location') ?? '');
      assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
      assert.equal(location.searchParams.get('key'), 'user/user1/photo.jpg');
      assert.equal((await s3.fileStore.stat('user/user1/photo.jpg'))?.contentType, 'image/jpeg');
    });

    it('refuses the example form with a key outside user/user1/', async () => {
      const res = await postForm(`${s3.url}/sigv4examplebucket`, { ...form, key: 'user/user2/x' }, {
        data: bytes(10),
        type: 'image/jpeg',
      });
      assert.equal(res.status, 403);
      assert.deepEqual(s3Error(res.text), {
        code: 'AccessDenied',
        message: 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/user1/"]',
      });
    });
  });
});
