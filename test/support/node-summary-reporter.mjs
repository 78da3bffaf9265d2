// A node:test reporter that ends the output with the plain line `N passed, N failed[, N skipped]`,
// counting tests only (suites are not tests). Used beside the spec reporter.

export default async function* summaryReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const details = event.data.details ?? {};
    const isSuite = details.type === 'suite';
    // A failing suite (e.g. a hook or an uncaught error in it) is a failure; a passing one is not a test.
    if (isSuite && event.type === 'test:pass') continue;
    if (event.data.skip || event.data.todo) counts.skipped += 1;
    else if (event.type === 'test:pass') counts.passed += 1;
    else if (!isSuite || details.error?.failureType !== 'subtestsFailed') counts.failed += 1;
  }
  const skipped = counts.skipped ? `, ${counts.skipped} skipped` : '';
  yield `\n${counts.passed} passed, ${counts.failed} failed${skipped}\n`;
}
