// `npm run bench`: every benchmark, each printing figures measured side by side in this one run.
// Benchmarks are kept out of the tests: these machines are shared and noisy, so figures are ratios.
import { benchProxyStatus } from './proxy-status.bench.js';
import { benchProxyStreams } from './proxy-streams.bench.js';
import { benchSigner } from './signer.bench.js';

const only = process.argv[2];
const benches: Record<string, () => unknown> = {
  signer: () => benchSigner(),
  proxyStatus: () => benchProxyStatus(),
  proxyStreams: () => benchProxyStreams(),
};
if (only && !(only in benches)) throw new Error(`No benchmark "${only}"; there are: ${Object.keys(benches).join(', ')}`);

for (const [name, bench] of Object.entries(benches)) {
  if (only && only !== name) continue;
  console.log(`\n== ${name} ==`);
  await bench();
}
