/**
 * A journeys run in words and figures: the table of routes (requests, errors by status, p50/p99 latency,
 * answers per second), the other steps' failures, what was lost, and the one list of problems a test
 * asserts empty.
 */
import type { JourneyReport } from './journeys.js';

const ms = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : '-');
const count = (value: number): string => value.toLocaleString('en');

/** Everything that went wrong in a run, one line each; empty when every journey completed and nothing was lost. */
export function journeyProblems(report: JourneyReport): string[] {
  const problems: string[] = [];
  for (const stage of report.stages) {
    const errors = Object.entries(stage.errors);
    if (errors.length > 0) problems.push(`${stage.route}: ${errors.map(([kind, n]) => `${n} × ${kind}`).join(', ')}${stage.firstFailure === undefined ? '' : ` (first: ${stage.firstFailure})`}`);
  }
  for (const step of report.stepFailures) problems.push(`${step.step}: ${step.failures} failed${step.firstFailure === undefined ? '' : ` (first: ${step.firstFailure})`}`);
  for (const [what, n] of Object.entries(report.lost)) if (n > 0) problems.push(`lost: ${n} × ${what}`);
  if ((report.deliveries['pending'] ?? 0) + (report.deliveries['expired'] ?? 0) > 0) problems.push(`webhook deliveries not delivered: ${JSON.stringify(report.deliveries)}`);
  if (report.completed !== report.investors) problems.push(`${report.investors - report.completed} of ${report.investors} journeys did not complete`);
  return problems;
}

/** The report as printed lines. */
export function journeyReportLines(report: JourneyReport, title: string): string[] {
  const lines = [title];
  lines.push(`  ${'route'.padEnd(40)} ${'requests'.padStart(8)} ${'errors'.padStart(7)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)} ${'answers/s'.padStart(10)}  CPU ms per request: proxy, sandbox`);
  for (const stage of report.stages) {
    const errors = Object.values(stage.errors).reduce((sum, n) => sum + n, 0);
    const cpu = (seconds: number): string => (stage.requests > 0 ? ((seconds * 1000) / stage.requests).toFixed(1) : '-');
    lines.push(`  ${stage.route.padEnd(40)} ${count(stage.requests).padStart(8)} ${count(errors).padStart(7)} ${ms(stage.p50Ms).padStart(8)} ${ms(stage.p99Ms).padStart(8)} ${ms(stage.maxMs).padStart(8)} ${stage.perSecond.toFixed(1).padStart(10)}  ${cpu(stage.cpuSeconds.proxy).padStart(6)}, ${cpu(stage.cpuSeconds.sandbox).padStart(6)}`);
  }
  const delivered = report.deliveries['delivered'] ?? 0;
  lines.push(`  webhooks delivered by the sandbox to the proxy: ${count(delivered)} (${JSON.stringify(report.deliveries)})`);
  lines.push(`  approval of every case to every stream and the sale's backend seeing it: ${report.approvalToStreamsSeconds.toFixed(1)} s (CPU meanwhile: proxy ${report.approvalCpuSeconds.proxy.toFixed(1)} s, sandbox ${report.approvalCpuSeconds.sandbox.toFixed(1)} s)`);
  lines.push(`  journeys completed: ${count(report.completed)} of ${count(report.investors)} in ${report.seconds.toFixed(1)} s (${(report.completed / report.seconds).toFixed(1)} journeys/s end to end)`);
  const lost = Object.entries(report.lost).map(([what, n]) => `${what} ${n}`).join(', ');
  lines.push(`  nothing lost? ${Object.values(report.lost).every((n) => n === 0) ? 'yes' : 'NO'}: ${lost}`);
  const problems = journeyProblems(report);
  lines.push(problems.length === 0 ? '  errors: none' : `  errors (${problems.length}):`);
  for (const problem of problems) lines.push(`    ${problem}`);
  return lines;
}
