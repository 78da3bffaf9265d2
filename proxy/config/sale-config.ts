/**
 * One token sale served by the proxy: which provider account it uses, which sites may embed the widget,
 * what the KYC form collects, and how mail and webhooks work for it. Parsed from the JSON config (or
 * from the single-sale environment variables) with every problem reported.
 */
import { ALWAYS_REQUIRED_FIELDS, KYC_FIELDS, OPTIONAL_FIELDS, REQUIRED_WHEN_COLLECTED, type KycField } from '../contract/kyc-fields.js';
import { canonicalCountry, canonicalNationality } from '../countries.js';
import { codeTemplateProblems } from '../mail.js';
import type { ConfigProblems } from './config-problems.js';
import type { Secret } from './secret.js';
import { secretFromConfig } from './secret-source.js';

/** A confirmation the investor must tick before submitting (terms, privacy notice, risk warning…). */
export interface Confirmation {
  id: string;
  /** The sentence shown next to the checkbox. */
  label: string;
  /** An optional link to the full text. */
  url?: string;
}

/** One sale's configuration. Secrets are {@link Secret}s and never serialise. */
export interface SaleConfig {
  /** The id used in URLs and tokens (`[a-z0-9-]`, 1–40 characters). */
  id: string;
  /** The sale's display name (mail subject, widget heading). */
  name: string;
  provider: {
    /** The provider API origin, e.g. `https://kyc.example.com` (no path). */
    baseUrl: string;
    apiKey: string;
    apiSecret: Secret;
    /** Provider request timeout in ms. */
    timeoutMs: number;
  };
  /** Origins allowed to embed the widget (CORS and token binding), normalised by `URL.origin`. */
  origins: string[];
  fields: {
    /** Every field the form shows: the provider's mandatory ones plus the optional ones enabled. */
    collected: KycField[];
    /** The collected fields the investor must fill (mandatory ones always). */
    required: KycField[];
  };
  countries: {
    /** Canonical country names the sale accepts; undefined means every country on the provider's list. */
    participating?: string[];
    /** Canonical country names refused (mirror the provider client's blacklist). */
    blocked: string[];
  };
  /** Canonical nationalities that need a residence proof (mirror the provider client's setting). */
  residenceProofNationalities: string[];
  /** How many investor proofs the form offers: 0–2 (the provider accepts at most 2). */
  maxInvestorProofs: number;
  webhook: {
    /** Accepted webhook secrets; several during a rotation. Empty means webhooks are refused. */
    secrets: Secret[];
    /** The URL the provider calls, exactly as registered there (the signature covers it). */
    registeredUrl?: string;
    /** Forward status changes to the sale's backend, signed with `secret`. */
    forward?: { url: string; secret: Secret };
  };
  mail: {
    from?: string;
    subject?: string;
    text?: string;
    html?: string;
  };
  /** Widget token lifetime in seconds (≤ 900). */
  tokenLifetimeSeconds: number;
  /** Server-side keys the sale's backend uses to ask for widget tokens (host-authenticated mode). */
  integratorKeys: Secret[];
  /** Locales the widget may use, first is the default. */
  locales: string[];
  confirmations: Confirmation[];
  /** Proof of wallet ownership (Sign-In with Ethereum) for the submitted Ethereum address. */
  wallet: WalletSettings;
}

/** How a sale asks investors to prove they control the Ethereum address they submit. */
export interface WalletSettings {
  /**
   * `off`: no proof offered (the address is typed); `optional`: offered, a typed address is kept as
   * unproven; `required`: a submission's address must be proven by this investor.
   */
  proof: 'off' | 'optional' | 'required';
  /** The EIP-155 chain id the signed message names (and the EIP-1271 check runs on). */
  chainId: number;
  /**
   * A JSON-RPC endpoint (http/https) of that chain, to check smart-contract wallets (EIP-1271). A
   * secret: such URLs often carry an API key, so it is never logged nor returned.
   */
  rpcUrl?: Secret;
  /** Whether the investor may type an address instead of proving one (the widget marks it unproven). */
  allowTypedAddress: boolean;
}

const SALE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const MAX_TOKEN_LIFETIME = 900;
const DEFAULT_TOKEN_LIFETIME = 600;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The keys a sale entry and each of its sections may have; anything else is reported as a likely typo. */
/**
 * The languages the widget ships (widget/i18n/locales plus English), offered when a sale does not narrow
 * them: the investor's page or browser language then decides. A sale lists `locales` to restrict them.
 */
const WIDGET_LOCALES = ['en', 'de', 'es', 'fr', 'ja', 'ar'] as const;

const SALE_KEYS = ['id', 'name', 'provider', 'origins', 'fields', 'countries', 'residenceProofNationalities', 'maxInvestorProofs', 'webhook', 'mail', 'tokenLifetimeSeconds', 'integratorKeys', 'locales', 'confirmations', 'wallet'];
const PROVIDER_KEYS = ['url', 'apiKey', 'apiSecret', 'timeoutMs'];
const FIELDS_KEYS = ['optional', 'required'];
const COUNTRIES_KEYS = ['participating', 'blocked'];
const WEBHOOK_KEYS = ['secrets', 'registeredUrl', 'forward'];
const FORWARD_KEYS = ['url', 'secret'];
const MAIL_KEYS = ['from', 'subject', 'text', 'html'];
const CONFIRMATION_KEYS = ['id', 'label', 'url'];
const WALLET_KEYS = ['proof', 'chainId', 'rpcUrl', 'allowTypedAddress'];
const WALLET_PROOF_MODES = ['off', 'optional', 'required'] as const;

/** An optional object-valued key (`countries`, `webhook`, …): `{}` when absent, a problem when not an object. */
function section(value: unknown, where: string, known: readonly string[], problems: ConfigProblems): Json {
  if (value === undefined) return {};
  if (!isObject(value)) {
    problems.add(where, `must be an object with the keys ${known.join(', ')}`);
    return {};
  }
  problems.unknownKeys(where, value, known);
  return value;
}

function stringList(value: unknown, where: string, problems: ConfigProblems): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    problems.add(where, 'must be a list of strings');
    return [];
  }
  return value as string[];
}

/** Normalise an http(s) URL origin; reports and returns undefined when it is not one. */
export function parseOrigin(text: string, where: string, problems: ConfigProblems): string | undefined {
  try {
    const url = new URL(text);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
      problems.add(where, `"${text}" is not an origin like https://sale.example (scheme, host and optional port only)`);
      return undefined;
    }
    return url.origin;
  } catch {
    problems.add(where, `"${text}" is not a URL`);
    return undefined;
  }
}

function parseHttpUrl(text: unknown, where: string, problems: ConfigProblems): string | undefined {
  if (typeof text !== 'string') {
    problems.add(where, 'must be an http(s) URL');
    return undefined;
  }
  try {
    const url = new URL(text);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    if (url.username || url.password) {
      problems.add(where, 'must not carry credentials in the URL');
      return undefined;
    }
    return url.href;
  } catch {
    problems.add(where, `"${text}" is not an http(s) URL`);
    return undefined;
  }
}

function parseFields(value: unknown, where: string, problems: ConfigProblems): SaleConfig['fields'] {
  const mandatory: KycField[] = [...ALWAYS_REQUIRED_FIELDS];
  if (value === undefined) return { collected: [...mandatory], required: [...mandatory] };
  if (!isObject(value)) {
    problems.add(where, 'must be an object { "optional": [...], "required": [...] }');
    return { collected: mandatory, required: mandatory };
  }
  problems.unknownKeys(where, value, FIELDS_KEYS);
  const optional = stringList(value['optional'], `${where}.optional`, problems);
  for (const field of optional) {
    if (!(OPTIONAL_FIELDS as readonly string[]).includes(field)) {
      problems.add(`${where}.optional`, `"${field}" is not an optional field; choose from ${OPTIONAL_FIELDS.join(', ')}`);
    }
  }
  const collected = KYC_FIELDS.filter((field) => mandatory.includes(field) || optional.includes(field));
  // The provider requires some optional fields as soon as they are collected; the proofs are situational
  // (residence proof by nationality) or optional (investor proofs) unless the sale requires them.
  const providerRequired: KycField[] = [...mandatory, ...REQUIRED_WHEN_COLLECTED.filter((field) => collected.includes(field))];
  const required = value['required'] === undefined
    ? [...providerRequired]
    : stringList(value['required'], `${where}.required`, problems).filter((field): field is KycField => {
        if (!(collected as readonly string[]).includes(field)) {
          problems.add(`${where}.required`, `"${field}" is required but not collected`);
          return false;
        }
        return true;
      });
  for (const field of providerRequired) if (!required.includes(field)) required.push(field);
  return { collected, required: KYC_FIELDS.filter((field) => required.includes(field)) };
}

function canonicalList(value: unknown, where: string, problems: ConfigProblems, canonical: (raw: string) => string | undefined): string[] {
  const names: string[] = [];
  for (const raw of stringList(value, where, problems)) {
    const name = canonical(raw.trim());
    if (name === undefined) problems.add(where, `"${raw}" is not on the provider's list`);
    else names.push(name);
  }
  return names;
}

function secretList(value: unknown, where: string, env: NodeJS.ProcessEnv, problems: ConfigProblems): Secret[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item, index) => secretFromConfig(item, `${where}[${index}]`, env, problems) ?? []);
}

function optionalString(value: unknown, where: string, problems: ConfigProblems): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    problems.add(where, 'must be a non-empty string');
    return undefined;
  }
  return value;
}

function parseConfirmations(value: unknown, where: string, problems: ConfigProblems): Confirmation[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.add(where, 'must be a list of { "id", "label", "url"? }');
    return [];
  }
  return value.flatMap((item, index) => {
    const at = `${where}[${index}]`;
    if (!isObject(item) || typeof item['id'] !== 'string' || !/^[a-z0-9_-]{1,40}$/.test(item['id']) || typeof item['label'] !== 'string' || item['label'] === '') {
      problems.add(at, 'needs an "id" ([a-z0-9_-]) and a non-empty "label"');
      return [];
    }
    problems.unknownKeys(at, item, CONFIRMATION_KEYS);
    const url = item['url'] === undefined ? undefined : parseHttpUrl(item['url'], `${at}.url`, problems);
    return [{ id: item['id'], label: item['label'], ...(url === undefined ? {} : { url }) }];
  });
}

function parseWallet(value: unknown, where: string, env: NodeJS.ProcessEnv, problems: ConfigProblems): WalletSettings {
  const wallet = section(value, where, WALLET_KEYS, problems);
  const proofRaw = wallet['proof'] ?? 'optional';
  const proof = WALLET_PROOF_MODES.find((mode) => mode === proofRaw);
  if (proof === undefined) problems.add(`${where}.proof`, `must be one of ${WALLET_PROOF_MODES.join(', ')}`);
  const chainId = wallet['chainId'] ?? 1;
  if (typeof chainId !== 'number' || !Number.isSafeInteger(chainId) || chainId < 1) problems.add(`${where}.chainId`, 'must be a positive integer (an EIP-155 chain id, 1 for Ethereum mainnet)');
  const allowTypedAddress = wallet['allowTypedAddress'] ?? true;
  if (typeof allowTypedAddress !== 'boolean') problems.add(`${where}.allowTypedAddress`, 'must be true or false');
  else if (!allowTypedAddress && proof === 'off') problems.add(`${where}.allowTypedAddress`, 'must be true when proof is "off" (there is no other way to give an address)');
  let rpcUrl: Secret | undefined;
  if (wallet['rpcUrl'] !== undefined) {
    rpcUrl = secretFromConfig(wallet['rpcUrl'], `${where}.rpcUrl`, env, problems);
    // Never quoted: an RPC URL often carries an API key.
    if (rpcUrl !== undefined && !isPlainHttpUrl(rpcUrl.reveal())) {
      problems.add(`${where}.rpcUrl`, 'must be an http(s) URL without user or password in it (put an API key in the path or query, as the RPC provider documents)');
      rpcUrl = undefined;
    }
  }
  return {
    proof: proof ?? 'optional',
    chainId: typeof chainId === 'number' ? chainId : 1,
    ...(rpcUrl === undefined ? {} : { rpcUrl }),
    allowTypedAddress: typeof allowTypedAddress === 'boolean' ? allowTypedAddress : true,
  };
}

/** Whether `text` is an http(s) URL without credentials (fetch refuses those). */
function isPlainHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** Parse one sale from the JSON config. Problems go to `problems`; the result is only used if none. */
export function parseSale(raw: unknown, where: string, env: NodeJS.ProcessEnv, problems: ConfigProblems): SaleConfig | undefined {
  if (!isObject(raw)) {
    problems.add(where, 'must be an object');
    return undefined;
  }
  problems.unknownKeys(where, raw, SALE_KEYS);
  const id = typeof raw['id'] === 'string' && SALE_ID.test(raw['id']) ? raw['id'] : undefined;
  if (id === undefined) problems.add(`${where}.id`, 'must be 1–40 characters of a-z, 0-9 and -, starting with a letter or digit');
  const name = optionalString(raw['name'], `${where}.name`, problems) ?? id ?? 'sale';

  const provider = isObject(raw['provider']) ? raw['provider'] : {};
  if (!isObject(raw['provider'])) problems.add(`${where}.provider`, 'must be an object { "url", "apiKey", "apiSecret" }');
  else problems.unknownKeys(`${where}.provider`, provider, PROVIDER_KEYS);
  const baseUrl = parseHttpUrl(provider['url'], `${where}.provider.url`, problems);
  const apiKey = optionalString(provider['apiKey'], `${where}.provider.apiKey`, problems);
  if (provider['apiKey'] === undefined) problems.add(`${where}.provider.apiKey`, 'is required');
  const apiSecret = provider['apiSecret'] === undefined
    ? (problems.add(`${where}.provider.apiSecret`, 'is required'), undefined)
    : secretFromConfig(provider['apiSecret'], `${where}.provider.apiSecret`, env, problems);
  const timeoutMs = provider['timeoutMs'] === undefined ? 8000 : Number(provider['timeoutMs']);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 500 || timeoutMs > 60000) problems.add(`${where}.provider.timeoutMs`, 'must be an integer from 500 to 60000');

  const originTexts = stringList(raw['origins'], `${where}.origins`, problems);
  if (originTexts.length === 0) problems.add(`${where}.origins`, 'list at least one origin allowed to embed the widget, e.g. "https://sale.example"');
  const origins = originTexts.flatMap((text, index) => parseOrigin(text, `${where}.origins[${index}]`, problems) ?? []);

  const countries = section(raw['countries'], `${where}.countries`, COUNTRIES_KEYS, problems);
  const participating = countries['participating'] === undefined ? undefined : canonicalList(countries['participating'], `${where}.countries.participating`, problems, canonicalCountry);
  const blocked = canonicalList(countries['blocked'], `${where}.countries.blocked`, problems, canonicalCountry);
  const residenceProofNationalities = canonicalList(raw['residenceProofNationalities'], `${where}.residenceProofNationalities`, problems, canonicalNationality);

  const maxInvestorProofs = raw['maxInvestorProofs'] === undefined ? 2 : Number(raw['maxInvestorProofs']);
  if (!Number.isInteger(maxInvestorProofs) || maxInvestorProofs < 0 || maxInvestorProofs > 2) problems.add(`${where}.maxInvestorProofs`, 'must be 0, 1 or 2 (the provider accepts at most 2)');

  const webhook = section(raw['webhook'], `${where}.webhook`, WEBHOOK_KEYS, problems);
  const registeredUrl = webhook['registeredUrl'] === undefined ? undefined : parseHttpUrl(webhook['registeredUrl'], `${where}.webhook.registeredUrl`, problems);
  const forwardRaw = webhook['forward'];
  let forward: SaleConfig['webhook']['forward'];
  if (forwardRaw !== undefined) {
    const forwardObject = section(forwardRaw, `${where}.webhook.forward`, FORWARD_KEYS, problems);
    const url = parseHttpUrl(forwardObject['url'], `${where}.webhook.forward.url`, problems);
    const secret = secretFromConfig(forwardObject['secret'], `${where}.webhook.forward.secret`, env, problems);
    if (url !== undefined && secret !== undefined) forward = { url, secret };
  }

  const mail = section(raw['mail'], `${where}.mail`, MAIL_KEYS, problems);
  const tokenLifetimeSeconds = raw['tokenLifetimeSeconds'] === undefined ? DEFAULT_TOKEN_LIFETIME : Number(raw['tokenLifetimeSeconds']);
  if (!Number.isInteger(tokenLifetimeSeconds) || tokenLifetimeSeconds < 60 || tokenLifetimeSeconds > MAX_TOKEN_LIFETIME) problems.add(`${where}.tokenLifetimeSeconds`, `must be an integer from 60 to ${MAX_TOKEN_LIFETIME} (15 minutes)`);

  const locales = raw['locales'] === undefined ? [...WIDGET_LOCALES] : stringList(raw['locales'], `${where}.locales`, problems);
  for (const locale of locales) {
    try {
      new Intl.Locale(locale);
    } catch {
      problems.add(`${where}.locales`, `"${locale}" is not a BCP 47 language tag`);
    }
  }

  const sale: SaleConfig = {
    id: id ?? '',
    name,
    provider: { baseUrl: baseUrl ?? '', apiKey: apiKey ?? '', apiSecret: apiSecret as Secret, timeoutMs },
    origins,
    fields: parseFields(raw['fields'], `${where}.fields`, problems),
    countries: { ...(participating === undefined ? {} : { participating }), blocked },
    residenceProofNationalities,
    maxInvestorProofs,
    webhook: {
      secrets: secretList(webhook['secrets'], `${where}.webhook.secrets`, env, problems),
      ...(registeredUrl === undefined ? {} : { registeredUrl }),
      ...(forward === undefined ? {} : { forward }),
    },
    mail: {
      ...(optionalString(mail['from'], `${where}.mail.from`, problems) !== undefined ? { from: mail['from'] as string } : {}),
      ...(optionalString(mail['subject'], `${where}.mail.subject`, problems) !== undefined ? { subject: mail['subject'] as string } : {}),
      ...(optionalString(mail['text'], `${where}.mail.text`, problems) !== undefined ? { text: mail['text'] as string } : {}),
      ...(optionalString(mail['html'], `${where}.mail.html`, problems) !== undefined ? { html: mail['html'] as string } : {}),
    },
    tokenLifetimeSeconds,
    integratorKeys: secretList(raw['integratorKeys'], `${where}.integratorKeys`, env, problems),
    locales,
    confirmations: parseConfirmations(raw['confirmations'], `${where}.confirmations`, problems),
    wallet: parseWallet(raw['wallet'], `${where}.wallet`, env, problems),
  };
  const { subject, text, html } = sale.mail;
  if ((subject === undefined) !== (text === undefined)) problems.add(`${where}.mail`, 'a template needs both "subject" and "text"');
  if (subject !== undefined && text !== undefined) {
    for (const problem of codeTemplateProblems({ subject, text, ...(html !== undefined ? { html } : {}) })) problems.add(`${where}.mail`, problem);
  }
  if (sale.wallet.proof === 'required' && !sale.fields.required.includes('ethereumAddress')) {
    problems.add(`${where}.wallet.proof`, 'is "required" but the sale does not collect and require the Ethereum address (add "ethereumAddress" to fields.optional)');
  }
  if (sale.fields.collected.includes('investorProofFiles') && maxInvestorProofs === 0) {
    problems.add(`${where}.maxInvestorProofs`, 'is 0 but the investor proof field is collected');
  }
  return sale;
}
