/**
 * `npm run proxy:keygen [EdDSA|ES256]`: print a new private signing key (JWK JSON) for
 * `TOKEN_SIGNING_KEY`. For a rotation, move the current key to `TOKEN_PREVIOUS_KEY` and set the new one
 * as current; drop the previous one after the longest token lifetime (15 minutes).
 */
import { generateSigningKey, type SigningAlgorithm } from './signing-keys.js';

const requested = process.argv[2] ?? 'EdDSA';
if (requested !== 'EdDSA' && requested !== 'ES256') {
  process.stderr.write('Usage: npm run proxy:keygen [EdDSA|ES256]\n');
  process.exit(2);
}
process.stdout.write(`${await generateSigningKey(requested as SigningAlgorithm)}\n`);
