// Signatures per second of our signer and of one built the way the official JS SDK builds its own
// (qs.stringify with sorted keys and bracket arrays, then `%20`→`+` and `~`→`%7E`, then HMAC-SHA256),
// measured side by side in one run, in alternating rounds so that machine noise hits both alike.
import { createHmac } from 'node:crypto';
import qs from 'qs';
import { signRequest, type ParamValue } from '../../proxy/signer.js';

const credentials = { apiKey: '28ad8ebb00c8469e1e32156849e94b3f', apiSecret: '35f346e5ef825ed4499da98a6ac6b401' };

/** Realistic requests: a KYC submission (D1), a presigned POST (D2) and a filtered list (D3). */
const requests: Array<[string, Record<string, ParamValue>]> = [
  ['/api/v2/users-kyc/11007', {
    birthdate: '29/07/1992', city: 'pune', country: 'INDIA', document_id_file_path: '10/i/4ae058629d4b384edcda8decdfbf0dd1',
    document_id_number: 'ABCD123', estimated_participation_amount: 1.2, ethereum_address: '0x04d39e0b112c20917868ffd5c42372ecc5df577b',
    first_name: 'YOGESH', investor_proof_files_path: ['10/i/4ae058629d4b384edcda8decdfbf0da1', '10/i/4ae058629d4b384edcda8decdfbf0da2'],
    last_name: 'SAWANT', nationality: 'INDIAN', postal_code: 411028, residence_proof_file_path: '10/i/4ae058629d4b384edcda8decdfbf0dd3',
    selfie_file_path: '10/i/4ae058629d4b384edcda8decdfbf0dd2', state: 'maharashtra', street_address: 'hadapsar',
  }],
  ['/api/v2/users-kyc/pre-signed-urls/for-post', { files: { selfie: 'image/jpeg', document_id: 'application/pdf', investor_proof_file1: 'application/pdf' } }],
  ['/api/v2/users', { page_number: 2, limit: 5, order: 'asc', filters: { email: 'kyc user', is_kyc_submitted: 'true' } }],
];

function sdkStyleSign(path: string, params: Record<string, ParamValue>, nowMs: number): Record<string, unknown> {
  const signed: Record<string, unknown> = { ...params, api_key: credentials.apiKey, request_timestamp: Math.round(nowMs / 1000) };
  const query = qs.stringify(signed, { arrayFormat: 'brackets', sort: (a: string, b: string) => a.localeCompare(b) })
    .replace(/%20/g, '+').replace(/~/g, '%7E');
  return { ...signed, signature: createHmac('sha256', credentials.apiSecret).update(`${path}?${query}`).digest('hex') };
}

function oursSign(path: string, params: Record<string, ParamValue>, nowMs: number): Record<string, unknown> {
  return signRequest(path, params, credentials, nowMs);
}

function opsPerSecond(sign: typeof oursSign, iterations: number): number {
  const nowMs = 1_542_027_534_000;
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) {
    const [path, params] = requests[i % requests.length] as [string, Record<string, ParamValue>];
    sink += (sign(path, params, nowMs)['signature'] as string).length;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink === 0) throw new Error('nothing signed');
  return iterations / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Run the signer benchmark and return its figures. */
export function benchSigner(rounds = 15, iterations = 20_000): { ours: number; sdk: number; ratio: number } {
  opsPerSecond(oursSign, iterations); // warm-up for both
  opsPerSecond(sdkStyleSign, iterations);
  const ours: number[] = [];
  const sdk: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    // Alternate which goes first so that neither always gets the warmer or quieter half.
    if (round % 2 === 0) {
      ours.push(opsPerSecond(oursSign, iterations));
      sdk.push(opsPerSecond(sdkStyleSign, iterations));
    } else {
      sdk.push(opsPerSecond(sdkStyleSign, iterations));
      ours.push(opsPerSecond(oursSign, iterations));
    }
  }
  const result = { ours: median(ours), sdk: median(sdk), ratio: median(ours) / median(sdk) };
  console.log('signer: signatures per second (median of %d alternating rounds of %d)', rounds, iterations);
  console.log(`  ours (Rails 5.1.6 to_query rules): ${Math.round(result.ours).toLocaleString('en')}/s`);
  console.log(`  SDK-style (qs.stringify, sorted keys): ${Math.round(result.sdk).toLocaleString('en')}/s`);
  console.log(`  ratio ours / SDK-style: ${result.ratio.toFixed(2)}x ${result.ratio >= 1 ? '(ours is not the slower one)' : '(ours is SLOWER)'}`);
  return result;
}
