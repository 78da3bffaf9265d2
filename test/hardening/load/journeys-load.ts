/**
 * The journeys load run as a whole, shared by the CI test (`journeys-load.test.ts`) and the benchmarks
 * (`npm run bench journeys`): start the stack, run the journeys under a hard cap, print the figures,
 * stop everything. The environment sizes it: `LOAD_INVESTORS` (default 1,000), `LOAD_CONNECTIONS`
 * (autocannon's connections per route, default 16) and `LOAD_CAP_SECONDS` (the hang guard, default
 * 300 s or 0.3 s per investor, whichever is more).
 */
import { availableParallelism } from 'node:os';
import { deadlineIn } from './deadline.js';
import { startJourneyStack } from './journey-stack.js';
import { journeyProblems, journeyReportLines } from './journeys-report.js';
import { runJourneys, type JourneyReport } from './journeys.js';

/** Options of {@link runJourneysLoad}; each defaults to its environment variable, then to the default. */
export interface JourneysLoadOptions {
  investors?: number;
  connections?: number;
  capSeconds?: number;
  /** Where lines go. Default `console.log`. */
  log?: (line: string) => void;
}

/** The figures and the problems (empty when every journey completed and nothing was lost). */
export interface JourneysLoadResult {
  report: JourneyReport;
  problems: string[];
  capSeconds: number;
}

function positiveInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${text}"`);
  return value;
}

/** The run's size, from the options, the environment and the defaults. */
export function journeysLoadSize(options: JourneysLoadOptions = {}): { investors: number; connections: number; capSeconds: number } {
  const investors = options.investors ?? positiveInteger('LOAD_INVESTORS', 1000);
  return {
    investors,
    connections: options.connections ?? positiveInteger('LOAD_CONNECTIONS', 16),
    capSeconds: options.capSeconds ?? positiveInteger('LOAD_CAP_SECONDS', Math.max(300, Math.ceil(investors * 0.3))),
  };
}

/** Run the journeys and print their figures; rejects only when the run could not be made or passed its cap. */
export async function runJourneysLoad(options: JourneysLoadOptions = {}): Promise<JourneysLoadResult> {
  const log = options.log ?? console.log;
  const { investors, connections, capSeconds } = journeysLoadSize(options);
  const deadline = deadlineIn(capSeconds);
  const stack = await startJourneyStack({ mailsKept: investors + 100 });
  try {
    log(`journeys: ${investors.toLocaleString('en')} investors, ${connections} connections per route, hard cap ${capSeconds} s; proxy compiled in its own process (LOG_LEVEL=warn, in-memory store), sandbox in another, ${availableParallelism()} CPU cores`);
    const report = await runJourneys(stack, {
      investors,
      runLabel: 'run',
      connections,
      deadline,
      onStep: (step) => log(`  … ${step}`),
    });
    for (const line of journeyReportLines(report, `journeys: ${investors.toLocaleString('en')} investors from code mail to approved`)) log(line);
    return { report, problems: journeyProblems(report), capSeconds };
  } finally {
    await stack.close();
  }
}
