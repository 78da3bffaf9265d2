// `npm run bench`: every benchmark, each printing figures measured side by side in this one run.
// Benchmarks are kept out of the tests: these machines are shared and noisy, so figures are ratios.
import { benchSigner } from './signer.bench.js';

const only = process.argv[2];
const benches: Record<string, () => unknown> = { signer: () => benchSigner() };

for (const [name, bench] of Object.entries(benches)) {
  if (only && only !== name) continue;
  console.log(`\n== ${name} ==`);
  await bench();
}
