/**
 * Whole investor journeys at the API level, staged: every investor does one step before anyone does the
 * next, so each route is driven by autocannon over all of them at once and gets its own latency
 * histogram. The steps are the widget's:
 *
 * 1. `POST /codes` (a real code mail through SMTP), 2. the code read from the SMTP catcher,
 * 3. `POST /sessions` (the provider user created, a token issued), 4. `POST /uploads` (presigned forms for
 * the ID document and the selfie), 5. both files posted to the S3 stand-in with those forms,
 * 6. `POST /kyc` (the submission), 7. a status stream opened per investor, 8. a reviewer approves every
 * case in the sandbox, whose webhooks go to the proxy, 9. every stream and the sale's backend (forwarded
 * statuses) see `approved`, 10. `GET /kyc` says approved, 11. the provider's case list holds every
 * submitted case, once, approved.
 *
 * An investor who fails a step (any unexpected answer) drops out of the later ones and counts as an
 * error of that step's route; nothing is retried, so the figures are what one attempt gives.
 */
import { SALE_ID, SALE_ORIGIN } from '../../proxy/support/proxy-stack.js';
import { askSandbox, type DeliveryCounts } from '../../bench/sandbox-reviewer.js';
import { runStage, type StageOptions, type StageResult } from './autocannon-stage.js';
import { waitUntil, type Deadline } from './deadline.js';
import { inPool } from '../../support/in-pool.js';
import type { JourneyStack } from './journey-stack.js';
import { multipartBody } from './multipart-body.js';
import { listSandboxCases } from './sandbox-cases.js';
import { openStatusStream, type StatusStream } from './status-streams.js';

/** Options of {@link runJourneys}. */
export interface JourneyOptions {
  investors: number;
  /** Makes the emails unique across runs on one stack (e.g. the soak's round number). */
  runLabel: string;
  /** autocannon's connections per stage (investors in flight at once). */
  connections: number;
  deadline: Deadline;
  /** Called as each step starts, for progress lines. */
  onStep?(step: string): void;
}

/** A step that is not an HTTP route of its own (mail, streams, review, checks), and what went wrong in it. */
export interface StepFailures {
  step: string;
  failures: number;
  firstFailure?: string;
}

/** The figures of a run. */
export interface JourneyReport {
  investors: number;
  /** Investors who went through every step and were seen approved everywhere. */
  completed: number;
  /** One per HTTP route driven by autocannon, in journey order, with the CPU time each server spent on it. */
  stages: Array<StageResult & { cpuSeconds: ServerCpu }>;
  /** The other steps' failures (only those with any). */
  stepFailures: StepFailures[];
  /** Cases the proxy accepted that the sandbox does not hold, or holds more than once submitted. */
  lost: { missingInSandbox: number; submittedTwice: number; notApprovedInSandbox: number; notApprovedInStreams: number; notApprovedForwarded: number };
  /** From the reviewer's approval to every stream showing it, seconds. */
  approvalToStreamsSeconds: number;
  /** CPU time the servers spent meanwhile (the sandbox's webhook deliveries, the proxy's handling of them). */
  approvalCpuSeconds: ServerCpu;
  /** The sandbox's webhook deliveries by state after the run. */
  deliveries: DeliveryCounts;
  /** Wall-clock time of the whole run, seconds. */
  seconds: number;
}

/** CPU time (user + system) of the proxy's and the sandbox's processes, seconds. */
export interface ServerCpu {
  proxy: number;
  sandbox: number;
}

async function cpuSeconds(stack: JourneyStack): Promise<ServerCpu> {
  const [proxy, sandbox] = await Promise.all([stack.proxy.probe(), stack.bench.sandbox.probe()]);
  return { proxy: (proxy.cpu.user + proxy.cpu.system) / 1e6, sandbox: (sandbox.cpu.user + sandbox.cpu.system) / 1e6 };
}

/** An investor as they go through the steps. */
interface Investor {
  index: number;
  email: string;
  code?: string;
  token?: string;
  userId?: string;
  uploads?: Array<{ url: string; key: string; field: string; contentType: string; fields: Record<string, string> }>;
  stream?: StatusStream;
}

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json', Origin: SALE_ORIGIN };
/** The provider takes files of 200 KB to 20 MB; the bytes themselves are never looked at. */
const FILE_BYTES = Buffer.alloc(205 * 1024, 0x5a);
/** Code mails read, and status streams opened, at once (the steps autocannon does not drive). */
const POOL_CONCURRENCY = 50;
/** How long nothing may move, with no webhook left to deliver, before what is missing counts as lost. */
const QUIET_MS = 15_000;

const authorized = (investor: Investor): Record<string, string> => ({ ...JSON_HEADERS, Authorization: `Bearer ${investor.token ?? ''}` });

function submissionOf(investor: Investor): Record<string, unknown> {
  const key = (field: string): string | undefined => investor.uploads?.find((upload) => upload.field === field)?.key;
  return {
    submission: {
      firstName: 'Load', lastName: `Investor${investor.index}`, birthdate: '01/02/1990', country: 'france', nationality: 'French',
      documentIdNumber: `LD${investor.index}`, documentIdFile: key('documentIdFile'), selfieFile: key('selfieFile'),
      streetAddress: '1 Rue de la Paix', city: 'Paris', state: 'IDF', postalCode: '75001',
      ethereumAddress: '0x32be343b94f860124dc4fee278fdcbd38c102d88', estimatedParticipationAmount: '100',
    },
    confirmations: { terms: true },
  };
}

/** Run `investors` journeys on `stack` and return the figures (it does not assert: the caller does). */
export async function runJourneys(stack: JourneyStack, options: JourneyOptions): Promise<JourneyReport> {
  const started = performance.now();
  const { deadline, connections } = options;
  const proxyUrl = stack.proxy.url;
  const stages: JourneyReport['stages'] = [];
  const stepFailures: StepFailures[] = [];
  const step = (name: string): void => options.onStep?.(name);
  const streams: StatusStream[] = [];
  let investors: Investor[] = Array.from({ length: options.investors }, (_, index) => ({ index, email: `load.${options.runLabel}.${index}@example.com` }));

  /** Run a stage over `items` and keep only the items it succeeded for. */
  const stage = async <T>(items: T[], spec: Omit<StageOptions<T>, 'items' | 'connections' | 'deadline'>): Promise<T[]> => {
    step(spec.route);
    const before = await cpuSeconds(stack);
    const result = await runStage({ ...spec, items, connections, deadline });
    const after = await cpuSeconds(stack);
    stages.push({ ...result, cpuSeconds: { proxy: after.proxy - before.proxy, sandbox: after.sandbox - before.sandbox } });
    const failed = new Set(result.failedItems);
    return items.filter((_, index) => !failed.has(index));
  };
  const recordStep = (name: string, failures: number, firstFailure?: string): void => {
    if (failures > 0) stepFailures.push({ step: name, failures, ...(firstFailure === undefined ? {} : { firstFailure }) });
  };

  try {
    investors = await stage(investors, {
      route: `POST /v1/sales/${SALE_ID}/codes`, origin: proxyUrl, expectStatus: 202,
      request: (investor) => ({ method: 'POST', path: `/v1/sales/${SALE_ID}/codes`, headers: JSON_HEADERS, body: JSON.stringify({ email: investor.email }) }),
    });

    step('code mails (SMTP catcher)');
    let mailFailures = 0;
    let firstMailFailure: string | undefined;
    await inPool(investors, POOL_CONCURRENCY, async (investor) => {
      try {
        const message = await stack.bench.catcher.waitForMessage({ to: investor.email }, Math.min(60_000, deadline.remainingMs('code mails')));
        investor.code = message.otp?.code ?? /\b(\d{6})\b/.exec(message.text)?.[1];
        if (investor.code === undefined) throw new Error('a code mail without a code');
      } catch (error) {
        mailFailures += 1;
        firstMailFailure ??= (error as Error).message;
      }
    });
    recordStep('code mails (SMTP catcher)', mailFailures, firstMailFailure);
    investors = investors.filter((investor) => investor.code !== undefined);

    investors = await stage(investors, {
      route: `POST /v1/sales/${SALE_ID}/sessions`, origin: proxyUrl, expectStatus: 201,
      request: (investor) => ({ method: 'POST', path: `/v1/sales/${SALE_ID}/sessions`, headers: JSON_HEADERS, body: JSON.stringify({ email: investor.email, code: investor.code }) }),
      onAnswer: (investor, body) => {
        const session = JSON.parse(body) as { token: string; userId: string };
        investor.token = session.token;
        investor.userId = session.userId;
      },
    });

    investors = await stage(investors, {
      route: `POST /v1/sales/${SALE_ID}/uploads`, origin: proxyUrl, expectStatus: 200,
      request: (investor) => ({
        method: 'POST', path: `/v1/sales/${SALE_ID}/uploads`, headers: authorized(investor),
        body: JSON.stringify({ files: [{ field: 'documentIdFile', contentType: 'image/jpeg' }, { field: 'selfieFile', contentType: 'image/png' }] }),
      }),
      onAnswer: (investor, body) => {
        investor.uploads = (JSON.parse(body) as { uploads: NonNullable<Investor['uploads']> }).uploads;
      },
    });

    // Every form of every investor, each posted once to the S3 stand-in as the browser would.
    const files = investors.flatMap((investor) => (investor.uploads ?? []).map((upload) => ({ investor, upload })));
    const s3 = new URL(files[0]?.upload.url ?? stack.bench.sandbox.s3Url);
    const stored = await stage(files, {
      route: 'POST <S3 bucket> (presigned form)', origin: s3.origin, expectStatus: 204,
      request: ({ upload }) => {
        const { contentType, body } = multipartBody(upload.fields, { bytes: FILE_BYTES, fileName: `${upload.field}.bin`, fileType: upload.contentType });
        return { method: 'POST', path: new URL(upload.url).pathname, headers: { 'Content-Type': contentType, Origin: SALE_ORIGIN }, body };
      },
    });
    const filesStored = new Map<Investor, number>();
    for (const { investor } of stored) filesStored.set(investor, (filesStored.get(investor) ?? 0) + 1);
    investors = investors.filter((investor) => filesStored.get(investor) === investor.uploads?.length);

    investors = await stage(investors, {
      route: `POST /v1/sales/${SALE_ID}/kyc`, origin: proxyUrl, expectStatus: 201,
      request: (investor) => ({ method: 'POST', path: `/v1/sales/${SALE_ID}/kyc`, headers: authorized(investor), body: JSON.stringify(submissionOf(investor)) }),
    });
    const submitted = investors.map((investor) => Number(investor.userId));

    step('status streams opened');
    let streamFailures = 0;
    let firstStreamFailure: string | undefined;
    await inPool(investors, POOL_CONCURRENCY, async (investor) => {
      try {
        investor.stream = await openStatusStream(proxyUrl, investor.token ?? '', Math.min(60_000, deadline.remainingMs('opening status streams')));
        streams.push(investor.stream);
      } catch (error) {
        streamFailures += 1;
        firstStreamFailure ??= (error as Error).message;
      }
    });
    recordStep('status streams opened', streamFailures, firstStreamFailure);
    const notPending = investors.filter((investor) => investor.stream !== undefined && investor.stream.state !== 'pending').length;
    recordStep('first stream status is pending', notPending);

    step('reviewer approves in the sandbox');
    const approvedAt = performance.now();
    const cpuBeforeApproval = await cpuSeconds(stack);
    const review = await askSandbox(stack.bench.sandbox, { reviewer: 'approve', userIds: submitted }, deadline.remainingMs('the review'));
    recordStep('reviewer approves in the sandbox', review.refused.length, review.refused[0]?.reason);

    step('webhooks to the proxy, to the streams and the sale\'s backend');
    const streamed = (investor: Investor): boolean => investor.stream?.state === 'approved';
    const forwarded = (investor: Investor): boolean => stack.receiver.states.get(investor.userId ?? '') === 'approved';
    const seen = (): number => investors.filter((investor) => streamed(investor) && forwarded(investor)).length;
    // Until everyone has seen it, or the sandbox has nothing left to deliver and nothing has moved for a
    // while (what is missing then is lost, and reported as such, rather than waited for until the cap).
    let progress = { seen: -1, at: performance.now() };
    await waitUntil(async () => {
      const now = seen();
      if (now === investors.length) return true;
      if (now !== progress.seen) progress = { seen: now, at: performance.now() };
      if (performance.now() - progress.at < QUIET_MS) return false;
      const pending = (await askSandbox(stack.bench.sandbox, { reviewer: 'deliveries' }, 10_000))['pending'] ?? 0;
      return pending === 0;
    }, 'every investor seeing approved', deadline, { intervalMs: 250 });
    const approvalToStreamsSeconds = (performance.now() - approvedAt) / 1000;
    const cpuAfterApproval = await cpuSeconds(stack);
    const approvalCpuSeconds = { proxy: cpuAfterApproval.proxy - cpuBeforeApproval.proxy, sandbox: cpuAfterApproval.sandbox - cpuBeforeApproval.sandbox };
    const notApprovedInStreams = investors.filter((investor) => !streamed(investor)).length;
    const notApprovedForwarded = investors.filter((investor) => !forwarded(investor)).length;
    const droppedStreams = investors.filter((investor) => investor.stream !== undefined && investor.stream.ended !== undefined).length;
    recordStep('status streams dropped by the proxy', droppedStreams);
    for (const stream of streams) stream.close();

    const notApprovedThroughProxy = new Set<Investor>();
    let firstNotApproved: string | undefined;
    investors = await stage(investors, {
      route: `GET /v1/sales/${SALE_ID}/kyc`, origin: proxyUrl, expectStatus: 200,
      request: (investor) => ({ method: 'GET', path: `/v1/sales/${SALE_ID}/kyc`, headers: authorized(investor) }),
      onAnswer: (investor, body) => {
        const state = (JSON.parse(body) as { status?: { state?: string } }).status?.state;
        if (state !== 'approved') {
          notApprovedThroughProxy.add(investor);
          firstNotApproved ??= `state ${String(state)}`;
        }
      },
    });
    recordStep('GET /kyc says approved', notApprovedThroughProxy.size, firstNotApproved);

    step('the sandbox\'s case list');
    const cases = await listSandboxCases(stack.bench.sandbox.url, stack.bench.credentials);
    const lost = {
      missingInSandbox: submitted.filter((userId) => !cases.has(userId)).length,
      submittedTwice: submitted.filter((userId) => (cases.get(userId)?.submissionCount ?? 0) > 1).length,
      notApprovedInSandbox: submitted.filter((userId) => cases.has(userId) && cases.get(userId)?.kycStatus !== 'approved').length,
      notApprovedInStreams,
      notApprovedForwarded,
    };
    const completed = investors.filter((investor) => {
      const kyc = cases.get(Number(investor.userId));
      return streamed(investor) && forwarded(investor) && !notApprovedThroughProxy.has(investor) && kyc?.kycStatus === 'approved' && kyc.submissionCount === 1;
    }).length;
    const deliveries = await askSandbox(stack.bench.sandbox, { reviewer: 'deliveries' }, 10_000);
    return { investors: options.investors, completed, stages, stepFailures, lost, approvalToStreamsSeconds, approvalCpuSeconds, deliveries, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const stream of streams) stream.close();
  }
}
