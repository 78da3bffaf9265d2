// `npm start`. Until the demo exists (sandbox, proxy, mail catcher and the token-sale page), it builds
// the widget and says where the bundle is, so the command always does something true.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
console.log('\nBuilt dist/kyc-onboarding.js (script tag) and dist/kyc-onboarding.esm.js (ES module).');
console.log('The demo (sandbox provider, proxy, mail catcher, token-sale page) is not built yet: see README.md.');
