// web-test-runner prints no closing count of its own: this reporter ends its output with the plain line
// `N passed, N failed` that the other runners print too.

function countTests(suite, counts) {
  for (const test of suite.tests ?? []) {
    if (test.skipped) counts.skipped += 1;
    else if (test.passed) counts.passed += 1;
    else counts.failed += 1;
  }
  for (const child of suite.suites ?? []) countTests(child, counts);
}

/** A web-test-runner reporter that prints `N passed, N failed[, N skipped]` after the run. */
export function summaryReporter() {
  let sessionsOf;
  return {
    start({ sessions }) {
      sessionsOf = sessions;
    },
    async stop() {
      const counts = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessionsOf.all()) {
        if (session.testResults) countTests(session.testResults, counts);
        // A file that failed to load or threw outside a test counts as a failure, not as nothing.
        if (!session.passed && (!session.testResults || session.errors.length > 0)) counts.failed += 1;
      }
      const skipped = counts.skipped ? `, ${counts.skipped} skipped` : '';
      // The default reporter redraws its progress bar after every reporter has stopped: print the count
      // as the process exits, so that it is the last line (stdout to a file or pipe is synchronous here).
      process.once('exit', () => process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed${skipped}\n`));
    },
  };
}
