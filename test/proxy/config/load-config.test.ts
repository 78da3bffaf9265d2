/**
 * `loadConfig(env)`: a single sale from environment variables alone, several sales from the JSON file,
 * secrets from every source, the token key and code pepper generated once into the data folder, and
 * every mistake of a broken configuration reported in one `ConfigError` whose text never quotes a secret.
 * Each test builds its own environment object and temporary folder; nothing reads `process.env`.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError } from '../../../proxy/config/config-problems.js';
import { loadConfig, type ProxyConfig } from '../../../proxy/config/load-config.js';
import { generateSigningKey, loadSigningKeys } from '../../../proxy/session/signing-keys.js';

const PROVIDER_SECRET = 'provider-secret-0123456789abcdef';
const WEBHOOK_SECRET = 'webhook-secret-fedcba9876543210';
const INTEGRATOR_KEY = 'integrator-key-5555aaaa5555aaaa';
const PEPPER = 'pepper-value-0123456789-abcdefgh';
const SMTP_PASSWORD = 'smtp-password-9z9z9z9z';
const REDIS_PASSWORD = 'redis-password-8y8y8y8y';

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the file's tests end. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'load-config-'));
  temporary.push(dir);
  return dir;
}

/** Write `content` to a new file in a fresh folder and return its path. */
function fileWith(content: string, name = 'file'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

/** The least a single sale configured by environment variables needs. */
function singleSaleEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PROVIDER_URL: 'https://kyc.provider.example',
    PROVIDER_API_KEY: 'api-key-1',
    PROVIDER_API_SECRET: PROVIDER_SECRET,
    SALE_ORIGINS: 'https://sale.example, https://www.sale.example:8443',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'Acme KYC <kyc@sale.example>',
    PROXY_DATA_DIR: join(tempDir(), 'data'),
    ...extra,
  };
}

/** A valid sale entry of the config file. */
function saleEntry(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: `${id} sale`,
    provider: { url: 'https://kyc.provider.example', apiKey: `${id}-key`, apiSecret: { env: 'PROVIDER_SECRET' } },
    origins: [`https://${id}.example`],
    ...extra,
  };
}

/** Environment for a config file holding `content` (an object is written as JSON). */
function fileEnv(content: unknown, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PROXY_CONFIG_FILE: fileWith(typeof content === 'string' ? content : JSON.stringify(content), 'proxy.json'),
    PROXY_DATA_DIR: join(tempDir(), 'data'),
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'kyc@sale.example',
    PROVIDER_SECRET,
    ...extra,
  };
}

/** The problems `loadConfig(env)` reports; fails the test when it loads. */
async function problemsOf(env: NodeJS.ProcessEnv): Promise<readonly string[]> {
  try {
    await loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('loadConfig accepted a broken configuration');
}

/** Assert that one of `problems` is reported at `where` (and mentions `words`, when given). */
function assertProblem(problems: readonly string[], where: string, words?: RegExp): void {
  const found = problems.filter((problem) => problem.startsWith(`${where}: `));
  assert.ok(found.length > 0, `no problem at ${where} in:\n${problems.join('\n')}`);
  if (words !== undefined) assert.ok(found.some((problem) => words.test(problem)), `the problem at ${where} does not match ${words}: ${found.join(' | ')}`);
}

/** The sale with `id`, or a failed assertion. */
function saleOf(config: ProxyConfig, id: string) {
  const sale = config.sales.get(id);
  assert.ok(sale !== undefined, `sale ${id} is not configured`);
  return sale;
}

describe('a single sale from environment variables', () => {
  test('needs only the provider, the origins, SMTP and a data folder', async () => {
    const config = await loadConfig(singleSaleEnv());
    assert.deepEqual([...config.sales.keys()], ['sale']);
    const sale = saleOf(config, 'sale');
    assert.equal(sale.provider.baseUrl, 'https://kyc.provider.example/');
    assert.equal(sale.provider.apiKey, 'api-key-1');
    assert.equal(sale.provider.apiSecret.reveal(), PROVIDER_SECRET);
    assert.deepEqual(sale.origins, ['https://sale.example', 'https://www.sale.example:8443']);
    assert.equal(config.smtp.url.reveal(), 'smtp://127.0.0.1:2525');
    assert.equal(config.smtp.from, 'Acme KYC <kyc@sale.example>');
    // Defaults: the documented ones, and safe ones.
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8787);
    assert.equal(config.trustProxy, false);
    assert.equal(config.redis, undefined);
    assert.deepEqual(config.codes, { ttlSeconds: 600, maxAttempts: 5, sendsPerEmailPerHour: 5, sendsPerIpPerHour: 30, resendCooldownSeconds: 30 });
    assert.equal(sale.tokenLifetimeSeconds, 600);
    assert.deepEqual(sale.fields.collected, sale.fields.required);
  });

  test('reads the optional sale variables', async () => {
    const config = await loadConfig(singleSaleEnv({
      SALE_ID: 'acme',
      SALE_NAME: 'Acme Token Sale',
      SALE_OPTIONAL_FIELDS: 'ethereumAddress, city',
      SALE_BLOCKED_COUNTRIES: 'north korea,Iran',
      WEBHOOK_SECRET,
      WEBHOOK_URL: 'https://kyc.sale.example/webhooks/acme',
      INTEGRATOR_KEY,
      PROXY_PORT: '9000',
      PROXY_PUBLIC_URL: 'https://kyc.sale.example',
      PROXY_TRUST_PROXY: 'true',
      LOG_LEVEL: 'warn',
    }));
    const sale = saleOf(config, 'acme');
    assert.equal(sale.name, 'Acme Token Sale');
    assert.ok(sale.fields.collected.includes('ethereumAddress') && sale.fields.collected.includes('city'));
    assert.ok(!sale.fields.collected.includes('postalCode'));
    assert.deepEqual(sale.countries.blocked, ['KOREA, NORTH', 'IRAN'], 'names are the provider\'s canonical ones');
    assert.deepEqual(sale.webhook.secrets.map((secret) => secret.reveal()), [WEBHOOK_SECRET]);
    assert.equal(sale.webhook.registeredUrl, 'https://kyc.sale.example/webhooks/acme');
    assert.deepEqual(sale.integratorKeys.map((key) => key.reveal()), [INTEGRATOR_KEY]);
    assert.equal(config.port, 9000);
    assert.equal(config.publicUrl, 'https://kyc.sale.example');
    assert.equal(config.trustProxy, true);
    assert.equal(config.trustedProxyHops, 1, 'true means one proxy in front');
    assert.equal(config.logLevel, 'warn');
  });

  test('lists every missing variable of an empty environment at once', async () => {
    const problems = await problemsOf({});
    assertProblem(problems, 'SMTP_URL', /not set/);
    assertProblem(problems, 'MAIL_FROM', /not set/);
    assertProblem(problems, 'TOKEN_SIGNING_KEY', /PROXY_DATA_DIR/);
    assertProblem(problems, 'CODE_PEPPER', /PROXY_DATA_DIR/);
    assertProblem(problems, 'sales', /no sale is configured/);
  });

  test('names each missing single-sale variable once one of them is set', async () => {
    const problems = await problemsOf({ PROVIDER_URL: 'https://kyc.provider.example', SMTP_URL: 'smtp://127.0.0.1:25', MAIL_FROM: 'a@b.example', PROXY_DATA_DIR: join(tempDir(), 'data') });
    assertProblem(problems, 'sale (from the environment).provider.apiKey');
    assertProblem(problems, 'sale (from the environment).provider.apiSecret');
    assertProblem(problems, 'sale (from the environment).origins');
    assert.equal(problems.length, 3, problems.join('\n'));
  });

  test('refuses sales both in the file and in the environment', async () => {
    const problems = await problemsOf(fileEnv({ sales: [saleEntry('acme')] }, { PROVIDER_URL: 'https://kyc.provider.example' }));
    assertProblem(problems, 'sales', /both/);
  });
});

describe('several sales from the config file', () => {
  test('reads every sale with its own provider account, origins and settings', async () => {
    const config = await loadConfig(fileEnv({
      port: 8800,
      publicUrl: 'https://kyc.example',
      codes: { ttlSeconds: 120, maxAttempts: 3, sendsPerEmailPerHour: 4, sendsPerIpPerHour: 10, resendCooldownSeconds: 0 },
      maxBodyBytes: 32768,
      sales: [
        saleEntry('acme', {
          fields: { optional: ['ethereumAddress', 'investorProofFiles'], required: ['investorProofFiles'] },
          countries: { participating: ['France', 'germany'], blocked: ['north korea'] },
          residenceProofNationalities: ['indian'],
          maxInvestorProofs: 1,
          tokenLifetimeSeconds: 900,
          locales: ['fr', 'en'],
          confirmations: [{ id: 'terms', label: 'I accept the terms.', url: 'https://acme.example/terms' }],
          webhook: { secrets: ['first-webhook-secret', { env: 'PROVIDER_SECRET' }], forward: { url: 'https://backend.acme.example/kyc', secret: 'forward-secret' } },
        }),
        saleEntry('beta-2', { provider: { url: 'http://127.0.0.1:4010', apiKey: 'beta-key', apiSecret: 'beta-literal-secret', timeoutMs: 2000 } }),
      ],
    }));
    assert.deepEqual([...config.sales.keys()], ['acme', 'beta-2']);
    assert.equal(config.port, 8800);
    assert.equal(config.publicUrl, 'https://kyc.example');
    assert.deepEqual(config.codes, { ttlSeconds: 120, maxAttempts: 3, sendsPerEmailPerHour: 4, sendsPerIpPerHour: 10, resendCooldownSeconds: 0 });
    assert.equal(config.maxBodyBytes, 32768);

    const acme = saleOf(config, 'acme');
    assert.deepEqual(acme.origins, ['https://acme.example']);
    assert.ok(acme.fields.required.includes('investorProofFiles'));
    assert.ok(acme.fields.required.includes('ethereumAddress'), 'the provider requires a collected Ethereum address');
    assert.deepEqual(acme.countries.participating, ['FRANCE', 'GERMANY']);
    assert.deepEqual(acme.countries.blocked, ['KOREA, NORTH']);
    assert.deepEqual(acme.residenceProofNationalities, ['INDIAN']);
    assert.equal(acme.maxInvestorProofs, 1);
    assert.equal(acme.tokenLifetimeSeconds, 900);
    assert.deepEqual(acme.locales, ['fr', 'en']);
    assert.deepEqual(acme.confirmations, [{ id: 'terms', label: 'I accept the terms.', url: 'https://acme.example/terms' }]);
    assert.deepEqual(acme.webhook.secrets.map((secret) => secret.reveal()), ['first-webhook-secret', PROVIDER_SECRET]);
    assert.equal(acme.webhook.forward?.url, 'https://backend.acme.example/kyc');
    assert.equal(acme.webhook.forward?.secret.reveal(), 'forward-secret');

    const beta = saleOf(config, 'beta-2');
    assert.equal(beta.provider.baseUrl, 'http://127.0.0.1:4010/');
    assert.equal(beta.provider.apiSecret.reveal(), 'beta-literal-secret');
    assert.equal(beta.provider.timeoutMs, 2000);
  });

  test('environment variables win over the file for process settings', async () => {
    const config = await loadConfig(fileEnv({ port: 8800, logLevel: 'error', sales: [saleEntry('acme')] }, { PROXY_PORT: '8900', LOG_LEVEL: 'debug' }));
    assert.equal(config.port, 8900);
    assert.equal(config.logLevel, 'debug');
  });

  test('reports a missing or unreadable config file', async () => {
    const missing = join(tempDir(), 'nope.json');
    assertProblem(await problemsOf(fileEnv({}, { PROXY_CONFIG_FILE: missing })), 'PROXY_CONFIG_FILE', /ENOENT/);
    const notAnObject = fileEnv('[1, 2]');
    assertProblem(await problemsOf(notAnObject), notAnObject['PROXY_CONFIG_FILE'] as string, /JSON object/);
  });
});

describe('secrets', () => {
  test('come from NAME, NAME_FILE (trailing newline dropped), { env } and { file }', async () => {
    const pepperFile = fileWith(`${PEPPER}\n`);
    const integratorFile = fileWith(`${INTEGRATOR_KEY}\r\n`);
    const smtpFile = fileWith(`smtp://kyc:${SMTP_PASSWORD}@mail.example:587`);
    const signingKey = await generateSigningKey('ES256');
    const config = await loadConfig(fileEnv({
      sales: [saleEntry('acme', { integratorKeys: [{ file: integratorFile }], webhook: { secrets: [{ env: 'HOOK' }] } })],
      tokenKeys: { current: { env: 'MY_SIGNING_KEY' } },
    }, {
      CODE_PEPPER_FILE: pepperFile,
      SMTP_URL: '',
      SMTP_URL_FILE: smtpFile,
      MY_SIGNING_KEY: signingKey,
      HOOK: WEBHOOK_SECRET,
    }));
    assert.equal(config.codePepper.reveal(), PEPPER);
    assert.equal(config.smtp.url.reveal(), `smtp://kyc:${SMTP_PASSWORD}@mail.example:587`);
    assert.equal(config.tokens.current.reveal(), signingKey);
    const sale = saleOf(config, 'acme');
    assert.equal(sale.provider.apiSecret.reveal(), PROVIDER_SECRET);
    assert.deepEqual(sale.integratorKeys.map((key) => key.reveal()), [INTEGRATOR_KEY]);
    assert.deepEqual(sale.webhook.secrets.map((secret) => secret.reveal()), [WEBHOOK_SECRET]);
  });

  test('single-sale secrets may be files too', async () => {
    const env = singleSaleEnv({ PROVIDER_API_SECRET: '', PROVIDER_API_SECRET_FILE: fileWith(`${PROVIDER_SECRET}\n`), WEBHOOK_SECRET_FILE: fileWith(WEBHOOK_SECRET) });
    const sale = saleOf(await loadConfig(env), 'sale');
    assert.equal(sale.provider.apiSecret.reveal(), PROVIDER_SECRET);
    assert.deepEqual(sale.webhook.secrets.map((secret) => secret.reveal()), [WEBHOOK_SECRET]);
  });

  test('a missing variable, an unreadable or empty file, both NAME and NAME_FILE, or a bad reference are each reported', async () => {
    const problems = await problemsOf(fileEnv({
      sales: [saleEntry('acme', {
        provider: { url: 'https://kyc.provider.example', apiKey: 'k', apiSecret: { env: 'NOT_SET_ANYWHERE' } },
        integratorKeys: [{ file: join(tempDir(), 'missing-key') }],
        webhook: { secrets: [{ file: fileWith('') }, { vault: 'x' }] },
      })],
    }, { CODE_PEPPER: PEPPER, CODE_PEPPER_FILE: fileWith(PEPPER) }));
    assertProblem(problems, 'sales[0].provider.apiSecret', /NOT_SET_ANYWHERE is not set/);
    assertProblem(problems, 'sales[0].integratorKeys[0]', /cannot read/);
    assertProblem(problems, 'sales[0].webhook.secrets[0]', /empty/);
    assertProblem(problems, 'sales[0].webhook.secrets[1]', /"env"/);
    assertProblem(problems, 'CODE_PEPPER', /both/);
    for (const problem of problems) assert.ok(!problem.includes(PEPPER), 'a problem quotes the pepper');
  });

  test('the token key and code pepper are generated once into PROXY_DATA_DIR, readable by the owner only', async () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const first = await loadConfig(singleSaleEnv({ PROXY_DATA_DIR: dataDir }));
    const second = await loadConfig(singleSaleEnv({ PROXY_DATA_DIR: dataDir }));
    assert.equal(second.tokens.current.reveal(), first.tokens.current.reveal());
    assert.equal(second.codePepper.reveal(), first.codePepper.reveal());
    assert.notEqual(first.tokens.current.reveal(), first.codePepper.reveal());
    assert.ok(first.codePepper.reveal().length >= 32);
    const files = readdirSync(dataDir);
    assert.equal(files.length, 2, `expected the key and the pepper, found ${files.join(', ')}`);
    for (const file of files) assert.equal(statSync(join(dataDir, file)).mode & 0o777, 0o600, `${file} is readable by others`);
    // The generated key is a usable signing key.
    const keys = await loadSigningKeys({ current: first.tokens.current.reveal() });
    assert.equal(keys.current.alg, 'EdDSA');

    const elsewhere = await loadConfig(singleSaleEnv());
    assert.notEqual(elsewhere.tokens.current.reveal(), first.tokens.current.reveal(), 'another data folder must get its own key');
  });

  test('a configured key or pepper is used as given and nothing is generated', async () => {
    const dataDir = join(tempDir(), 'data');
    const signingKey = await generateSigningKey('EdDSA');
    const previousKey = await generateSigningKey('ES256');
    const config = await loadConfig(singleSaleEnv({ PROXY_DATA_DIR: dataDir, TOKEN_SIGNING_KEY: signingKey, TOKEN_PREVIOUS_KEY: previousKey, CODE_PEPPER: PEPPER }));
    assert.equal(config.tokens.current.reveal(), signingKey);
    assert.deepEqual(config.tokens.previous.map((key) => key.reveal()), [previousKey]);
    assert.equal(config.codePepper.reveal(), PEPPER);
    assert.throws(() => readdirSync(dataDir), { code: 'ENOENT' });
  });

  test('an unusable signing key or a short pepper is reported at start, without quoting it', async () => {
    const problems = await problemsOf(singleSaleEnv({ TOKEN_SIGNING_KEY: 'not-a-key-but-secret-text', CODE_PEPPER: 'short-pepper' }));
    assertProblem(problems, 'TOKEN_SIGNING_KEY');
    assertProblem(problems, 'CODE_PEPPER', /16/);
    for (const problem of problems) assert.ok(!problem.includes('not-a-key-but-secret-text') && !problem.includes('short-pepper'), problem);
  });

  test('JSON.stringify and util.inspect of the configuration show no secret', async () => {
    const signingKey = await generateSigningKey('EdDSA');
    const config = await loadConfig(fileEnv({
      redisUrl: { env: 'REDIS_SECRET_URL' },
      sales: [saleEntry('acme', {
        integratorKeys: [INTEGRATOR_KEY],
        webhook: { secrets: [WEBHOOK_SECRET], forward: { url: 'https://backend.example/kyc', secret: 'forward-secret-7x7x7x7x' } },
      })],
    }, {
      SMTP_URL: `smtp://kyc:${SMTP_PASSWORD}@mail.example:587`,
      REDIS_SECRET_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:6379`,
      TOKEN_SIGNING_KEY: signingKey,
      CODE_PEPPER: PEPPER,
    }));
    const secrets = [PROVIDER_SECRET, WEBHOOK_SECRET, INTEGRATOR_KEY, PEPPER, SMTP_PASSWORD, REDIS_PASSWORD, 'forward-secret-7x7x7x7x', JSON.parse(signingKey).d as string];
    const printed = [
      JSON.stringify(config),
      // A Map serialises as {}: print the sales too, as a careless log line would.
      JSON.stringify([...config.sales.values()]),
      inspect(config, { depth: Infinity }),
      inspect([...config.sales.values()], { depth: Infinity }),
      String(config.codePepper),
      `${config.smtp.url}`,
    ];
    for (const text of printed) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `a secret shows in: ${text.slice(0, 200)}`);
    }
    assert.match(printed[0] ?? '', /\[secret\]/);
  });

  test('a config file that is not valid JSON is reported without quoting its text', async () => {
    const env = fileEnv(`{ "sales": [{ "id": "acme", "provider": { "apiSecret": ${PROVIDER_SECRET} } }] }`);
    const problems = await problemsOf(env);
    assertProblem(problems, env['PROXY_CONFIG_FILE'] as string, /not valid JSON/);
    for (const problem of problems) assert.ok(!problem.includes(PROVIDER_SECRET.slice(0, 8)), `the problem quotes the file: ${problem}`);

    const trailingComma = fileEnv(`{\n  "sales": [],\n  "codePepper": "${PEPPER}",\n}\n`);
    const [problem] = await problemsOf(trailingComma);
    assert.match(problem ?? '', /not valid JSON \(line 4, column 1\)/);
    assert.ok(!problem?.includes(PEPPER));
  });

  test('a single-sale secret set both as NAME and NAME_FILE is reported, not silently chosen', async () => {
    const problems = await problemsOf(singleSaleEnv({ WEBHOOK_SECRET, WEBHOOK_SECRET_FILE: fileWith(WEBHOOK_SECRET), PROVIDER_API_SECRET_FILE: fileWith(PROVIDER_SECRET) }));
    assertProblem(problems, 'WEBHOOK_SECRET', /both/);
    assertProblem(problems, 'PROVIDER_API_SECRET', /both/);
    for (const problem of problems) assert.ok(!problem.includes(WEBHOOK_SECRET) && !problem.includes(PROVIDER_SECRET), problem);
  });
});

describe('validation', () => {
  test('lists every problem of a configuration with many mistakes at once', async () => {
    const env = fileEnv({
      port: 70000,
      codes: { maxAttempts: 0, ttlSeconds: 10 },
      sales: [
        saleEntry('acme', {
          origins: ['https://acme.example/shop', 'ftp://acme.example'],
          fields: { optional: ['shoeSize'] },
          countries: { blocked: ['ATLANTIS'] },
          residenceProofNationalities: ['martian'],
          tokenLifetimeSeconds: 3600,
          maxInvestorProofs: 3,
        }),
        saleEntry('acme', { provider: { url: 'not a url', apiKey: 'k', apiSecret: { env: 'MISSING_SECRET' } }, orgins: ['https://typo.example'] }),
        saleEntry('Bad Id!'),
      ],
    }, { LOG_LEVEL: 'loud', SMTP_URL: 'http://mail.example', MAIL_FROM: '' });
    let error: unknown;
    await loadConfig(env).catch((caught: unknown) => (error = caught));
    assert.ok(error instanceof ConfigError);
    const { problems } = error;
    const expected: [string, RegExp][] = [
      ['PROXY_PORT', /65535/],
      ['codes.maxAttempts', /1 to 20/],
      ['codes.ttlSeconds', /60 to 3600/],
      ['LOG_LEVEL', /one of/],
      ['SMTP_URL', /smtp:\/\//],
      ['MAIL_FROM', /not set/],
      ['sales[0].origins[0]', /not an origin/],
      ['sales[0].origins[1]', /not an origin/],
      ['sales[0].fields.optional', /shoeSize/],
      ['sales[0].countries.blocked', /ATLANTIS/],
      ['sales[0].residenceProofNationalities', /martian/],
      ['sales[0].tokenLifetimeSeconds', /900/],
      ['sales[0].maxInvestorProofs', /at most 2/],
      ['sales[1].id', /used twice/],
      ['sales[1].provider.url', /not an http/],
      ['sales[1].provider.apiSecret', /MISSING_SECRET/],
      ['sales[1]', /orgins/],
      ['sales[2].id', /a-z/],
    ];
    for (const [where, words] of expected) assertProblem(problems, where, words);
    // The message lists them all too, one per line, for the terminal.
    for (const problem of problems) assert.ok(error.message.includes(problem));
    assert.match(error.message, new RegExp(`${problems.length} problem`));
  });

  test('bad origins: paths, queries, credentials, other schemes and non-URLs', async () => {
    const origins = ['https://sale.example/widget', 'https://sale.example?x=1', 'https://user:pw@sale.example', 'javascript:alert(1)', 'sale.example', '*'];
    const problems = await problemsOf(fileEnv({ sales: [saleEntry('acme', { origins })] }));
    origins.forEach((_origin, index) => assertProblem(problems, `sales[0].origins[${index}]`));
    const none = await problemsOf(fileEnv({ sales: [saleEntry('acme', { origins: [] })] }));
    assertProblem(none, 'sales[0].origins', /at least one origin/);
  });

  test('origins are normalised (case, default port, trailing slash)', async () => {
    const config = await loadConfig(fileEnv({ sales: [saleEntry('acme', { origins: ['HTTPS://Sale.Example:443/', 'http://localhost:5173'] })] }));
    assert.deepEqual(saleOf(config, 'acme').origins, ['https://sale.example', 'http://localhost:5173']);
  });

  test('unknown keys are reported where they are, instead of silently ignored', async () => {
    const problems = await problemsOf(fileEnv({
      prot: 8080,
      codes: { ttlSecond: 60 },
      sales: [saleEntry('acme', {
        tokenLifetime: 900,
        provider: { url: 'https://kyc.provider.example', apiKey: 'k', apiSecret: { env: 'PROVIDER_SECRET' }, timeout: 100 },
        webhook: { secret: 'x' },
        fields: { optinal: ['city'] },
        confirmations: [{ id: 'terms', label: 'I accept.', link: 'https://acme.example/terms' }],
      }), saleEntry('beta', { countries: ['France'], mail: 'kyc@beta.example', $comment: 'notes are allowed' })],
      $schema: './proxy-config.schema.json',
    }));
    assertProblem(problems, '(config file)', /"prot"/);
    assertProblem(problems, 'codes', /"ttlSecond"/);
    assertProblem(problems, 'sales[0]', /"tokenLifetime"/);
    assertProblem(problems, 'sales[0].provider', /"timeout"/);
    assertProblem(problems, 'sales[0].webhook', /"secret"/);
    assertProblem(problems, 'sales[0].fields', /"optinal"/);
    assertProblem(problems, 'sales[0].confirmations[0]', /"link"/);
    assertProblem(problems, 'sales[1].countries', /must be an object/);
    assertProblem(problems, 'sales[1].mail', /must be an object/);
    assert.ok(!problems.some((problem) => problem.includes('$')), 'keys starting with $ are for notes');
  });

  test('unknown fields and countries, and required fields that are not collected', async () => {
    const problems = await problemsOf(fileEnv({
      sales: [saleEntry('acme', {
        fields: { optional: ['city', 'firstName', 'favouriteColour'], required: ['postalCode'] },
        countries: { participating: ['France', 'Narnia'], blocked: ['Gondor'] },
      })],
    }));
    assertProblem(problems, 'sales[0].fields.optional', /"firstName" is not an optional field/);
    assertProblem(problems, 'sales[0].fields.optional', /"favouriteColour"/);
    assertProblem(problems, 'sales[0].fields.required', /"postalCode" is required but not collected/);
    assertProblem(problems, 'sales[0].countries.participating', /Narnia/);
    assertProblem(problems, 'sales[0].countries.blocked', /Gondor/);
  });

  test('token lifetime: 60 to 900 seconds', async () => {
    for (const lifetime of [901, 3600, 59, 600.5]) {
      assertProblem(await problemsOf(fileEnv({ sales: [saleEntry('acme', { tokenLifetimeSeconds: lifetime })] })), 'sales[0].tokenLifetimeSeconds', /900/);
    }
    const config = await loadConfig(fileEnv({ sales: [saleEntry('acme', { tokenLifetimeSeconds: 60 })] }));
    assert.equal(saleOf(config, 'acme').tokenLifetimeSeconds, 60);
  });

  test('duplicate sale ids are reported once per repeat', async () => {
    const problems = await problemsOf(fileEnv({ sales: [saleEntry('acme'), saleEntry('beta'), saleEntry('acme'), saleEntry('acme')] }));
    assertProblem(problems, 'sales[2].id', /"acme" is used twice/);
    assertProblem(problems, 'sales[3].id', /"acme"/);
    assert.ok(!problems.some((problem) => problem.startsWith('sales[1].id')));
  });

  test('PROXY_TRUST_PROXY may give the number of proxies in front (a CDN and a load balancer: 2)', async () => {
    const config = await loadConfig(singleSaleEnv({ PROXY_TRUST_PROXY: '2' }));
    assert.equal(config.trustProxy, true);
    assert.equal(config.trustedProxyHops, 2);
    for (const wrong of ['0', '6', '1.5', 'two']) {
      assertProblem(await problemsOf(singleSaleEnv({ PROXY_TRUST_PROXY: wrong })), 'PROXY_TRUST_PROXY', /number of proxies in front \(1 to 5/);
    }
  });

  test('process settings: URLs, booleans and limits', async () => {
    const problems = await problemsOf(singleSaleEnv({
      PROXY_PUBLIC_URL: 'https://kyc.example/path',
      PROXY_TRUST_PROXY: 'yes',
      REDIS_URL: 'http://127.0.0.1:6379',
      PROXY_PORT: 'eighty',
    }));
    assertProblem(problems, 'PROXY_PUBLIC_URL', /origin/);
    assertProblem(problems, 'PROXY_TRUST_PROXY', /true, false, or the number of proxies/);
    assertProblem(problems, 'REDIS_URL', /redis:\/\//);
    assertProblem(problems, 'PROXY_PORT', /integer/);
  });

  test('a REDIS_URL with a password is accepted and kept secret', async () => {
    const config = await loadConfig(singleSaleEnv({ REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:6379/2`, REDIS_KEY_PREFIX: 'acme:' }));
    assert.equal(config.redis?.url.reveal(), `redis://:${REDIS_PASSWORD}@127.0.0.1:6379/2`);
    assert.equal(config.redis?.keyPrefix, 'acme:');
  });
});

describe('wallet proof settings', () => {
  const RPC_URL = 'https://eth.rpc.example/v3/rpc-key-0123456789';

  test('default: proof optional on chain 1, typing allowed, no RPC endpoint', async () => {
    const sale = saleOf(await loadConfig(singleSaleEnv()), 'sale');
    assert.deepEqual(sale.wallet, { proof: 'optional', chainId: 1, allowTypedAddress: true });
  });

  test('from the config file, the RPC URL as a secret reference', async () => {
    const config = await loadConfig(fileEnv({
      sales: [saleEntry('acme', {
        fields: { optional: ['ethereumAddress'] },
        wallet: { proof: 'required', chainId: 11155111, rpcUrl: { env: 'WALLET_RPC' }, allowTypedAddress: false },
      })],
    }, { WALLET_RPC: RPC_URL }));
    const { wallet } = saleOf(config, 'acme');
    assert.equal(wallet.proof, 'required');
    assert.equal(wallet.chainId, 11155111);
    assert.equal(wallet.allowTypedAddress, false);
    assert.equal(wallet.rpcUrl?.reveal(), RPC_URL);
    assert.ok(!JSON.stringify([...config.sales.values()]).includes('rpc-key'), 'the RPC URL does not serialise');
    assert.ok(!inspect(config, { depth: 10 }).includes('rpc-key'));
  });

  test('from SALE_WALLET_* variables, the RPC URL from a file', async () => {
    const config = await loadConfig(singleSaleEnv({
      SALE_OPTIONAL_FIELDS: 'ethereumAddress',
      SALE_WALLET_PROOF: 'required',
      SALE_WALLET_CHAIN_ID: '8453',
      SALE_WALLET_RPC_URL_FILE: fileWith(`${RPC_URL}\n`),
      SALE_WALLET_ALLOW_TYPED_ADDRESS: 'false',
    }));
    const { wallet } = saleOf(config, 'sale');
    assert.deepEqual({ ...wallet, rpcUrl: wallet.rpcUrl?.reveal() }, { proof: 'required', chainId: 8453, allowTypedAddress: false, rpcUrl: RPC_URL });
    const direct = await loadConfig(singleSaleEnv({ SALE_WALLET_RPC_URL: RPC_URL, SALE_WALLET_PROOF: 'off' }));
    assert.equal(saleOf(direct, 'sale').wallet.rpcUrl?.reveal(), RPC_URL);
    assert.equal(saleOf(direct, 'sale').wallet.proof, 'off');
  });

  test('every mistake is reported where it is, and an RPC URL is never quoted', async () => {
    const problems = await problemsOf(fileEnv({
      sales: [
        saleEntry('a', { wallet: { proof: 'maybe', chainId: 0, allowTypedAddress: 'yes', rpc: 'x' } }),
        saleEntry('b', { wallet: { chainId: '1', rpcUrl: 'ftp://rpc.example/secret-path-aaa' } }),
        saleEntry('c', { wallet: { chainId: 1.5, rpcUrl: 'https://user:secret-pass-bbb@rpc.example' } }),
        saleEntry('d', { wallet: { proof: 'off', allowTypedAddress: false } }),
        saleEntry('e', { wallet: { proof: 'required' } }),
        saleEntry('f', { wallet: 'required' }),
      ],
    }));
    assertProblem(problems, 'sales[0].wallet.proof', /off, optional, required/);
    assertProblem(problems, 'sales[0].wallet.chainId', /positive integer/);
    assertProblem(problems, 'sales[0].wallet.allowTypedAddress', /true or false/);
    assertProblem(problems, 'sales[0].wallet', /rpc/);
    assertProblem(problems, 'sales[1].wallet.chainId');
    assertProblem(problems, 'sales[1].wallet.rpcUrl', /http\(s\)/);
    assertProblem(problems, 'sales[2].wallet.chainId');
    assertProblem(problems, 'sales[2].wallet.rpcUrl', /without user or password/);
    assertProblem(problems, 'sales[3].wallet.allowTypedAddress', /must be true when proof is "off"/);
    assertProblem(problems, 'sales[4].wallet.proof', /ethereumAddress/);
    assertProblem(problems, 'sales[5].wallet', /object/);
    for (const problem of problems) assert.ok(!/secret-path-aaa|secret-pass-bbb|rpc\.example/.test(problem), problem);
  });

  test('malformed SALE_WALLET_* values are reported', async () => {
    const problems = await problemsOf(singleSaleEnv({
      SALE_WALLET_CHAIN_ID: 'mainnet',
      SALE_WALLET_ALLOW_TYPED_ADDRESS: 'yes',
      SALE_WALLET_RPC_URL: RPC_URL,
      SALE_WALLET_RPC_URL_FILE: fileWith(RPC_URL),
    }));
    assertProblem(problems, 'sale (from the environment).wallet.chainId');
    assertProblem(problems, 'sale (from the environment).wallet.allowTypedAddress');
    assertProblem(problems, 'SALE_WALLET_RPC_URL', /both/);
    for (const problem of problems) assert.ok(!problem.includes('rpc-key'), problem);
  });
});
