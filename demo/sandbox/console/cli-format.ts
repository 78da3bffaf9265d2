/**
 * The review CLI's text output: the console API's JSON answers as aligned columns and `key: value`
 * lines. Control characters in values (a name could carry terminal escape sequences) are shown as `?`.
 */

/* The JSON shapes below are those of `json-api.ts`, read loosely: the CLI prints what it is given. */
type Json = Record<string, unknown>;

/** A value as one safe line of terminal text. */
export function plain(value: unknown): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return '-';
  const text = Array.isArray(value) ? value.map(plain).join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/\p{Cc}/gu, '?');
}

/** Rows as columns padded to the widest cell, with a header row. */
export function columns(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [header.map(String), ...rows.map((row) => row.map(plain))];
  const widths = header.map((_, index) => Math.max(...cells.map((row) => (row[index] ?? '').length)));
  return cells.map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0))).join('  ')).join('\n');
}

function time(ms: unknown): string {
  return typeof ms === 'number' ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '-';
}

/** `list`: one line per case. */
export function formatCaseList(body: Json): string {
  const cases = (body['cases'] as Json[] | undefined) ?? [];
  const summary = `${plain(body['total'])} case(s), page ${plain(body['page'])} of ${plain(body['page_count'])}`;
  if (cases.length === 0) return `${summary}\n(no case matches)`;
  const rows = cases.map((entry) => {
    const kyc = (entry['user_kyc'] ?? {}) as Json;
    return [
      entry['client_id'],
      kyc['user_id'],
      kyc['kyc_status'],
      kyc['admin_status'],
      kyc['aml_status'],
      kyc['whitelist_status'],
      kyc['admin_action_types'],
      kyc['submission_count'],
      `${plain(entry['first_name'])} ${plain(entry['last_name'])}`,
      entry['email'],
    ];
  });
  return `${columns(['CLIENT', 'USER', 'KYC', 'ADMIN', 'AML', 'WHITELIST', 'ISSUES', 'SUBS', 'NAME', 'EMAIL'], rows)}\n${summary}`;
}

function section(title: string, entries: Json, skip: readonly string[] = []): string {
  const lines = Object.entries(entries)
    .filter(([key]) => !skip.includes(key))
    .map(([key, value]) => `  ${key}: ${plain(value)}`);
  return `${title}\n${lines.join('\n')}`;
}

/** `show`: the case's statuses, submission, files and the actions that apply. */
export function formatCase(body: Json): string {
  const files = ((body['files'] as Json[] | undefined) ?? []).map((file) => `  ${plain(file['field'])} (${plain(file['kind'])}, ${plain(file['size'])} bytes): ${plain(file['url'])}`);
  return [
    section(`client ${plain(body['client_id'])}, user`, (body['user'] ?? {}) as Json),
    section('case', (body['user_kyc'] ?? {}) as Json),
    section('submission', (body['submission'] ?? {}) as Json, ['id', 'user_id', 'client_id']),
    `files (links valid one hour)\n${files.join('\n') || '  -'}`,
    `available actions: ${plain(body['available_actions'])}`,
  ].join('\n\n');
}

/** An action's answer: what was done and where the case stands. */
export function formatActionResult(body: Json): string {
  const kyc = body['user_kyc'] as Json | null;
  const done = `${plain(body['action'])}: client ${plain(body['client_id'])} user ${plain(body['user_id'])}`;
  if (!kyc) return `${done}: user deleted`;
  return `${done}: kyc_status ${plain(kyc['kyc_status'])} (admin ${plain(kyc['admin_status'])}, aml ${plain(kyc['aml_status'])}, whitelist ${plain(kyc['whitelist_status'])}, issues ${plain(kyc['admin_action_types'])})`;
}

/** `deliveries`: per client, the deliveries and every attempt. */
export function formatDeliveries(body: Json): string {
  const clients = (body['clients'] as Json[] | undefined) ?? [];
  return clients
    .map((client) => {
      const deliveries = (client['deliveries'] as Json[] | undefined) ?? [];
      const attempts = (client['attempts'] as Json[] | undefined) ?? [];
      const deliveryRows = deliveries.map((d) => [d['deliveryId'], d['eventName'], d['source'], d['state'], d['failedCount'], time(d['createdAt']), time(d['nextAttemptAt']), d['url']]);
      const attemptRows = attempts.map((a) => [
        a['deliveryId'],
        a['eventName'],
        a['attempt'],
        a['httpStatus'] === null ? a['error'] : `HTTP ${plain(a['httpStatus'])}`,
        time(a['attemptedAt']),
        a['state'],
        time(a['nextAttemptAt']),
        a['url'],
      ]);
      return [
        `client ${plain(client['client_id'])}: ${deliveries.length} deliveries, ${attempts.length} attempts`,
        deliveryRows.length ? columns(['ID', 'EVENT', 'SOURCE', 'STATE', 'FAILED', 'QUEUED', 'NEXT', 'URL'], deliveryRows) : '(no delivery)',
        attemptRows.length ? columns(['DELIVERY', 'EVENT', 'TRY', 'RESULT', 'TIME', 'STATE', 'NEXT RETRY', 'URL'], attemptRows) : '(no attempt)',
      ].join('\n');
    })
    .join('\n\n');
}

/** `test-webhook`: the outcome of the one POST. */
export function formatTestSend(body: Json): string {
  const outcome = (body['outcome'] ?? {}) as Json;
  const result = outcome['status'] !== undefined ? `HTTP ${plain(outcome['status'])}` : plain(outcome['error']);
  return `test ${plain(body['eventName'])} (id ${plain(body['id'])}) to ${plain(body['url'])}: ${result}${body['delivered'] === true ? ' (delivered)' : ' (not delivered: only HTTP 200 counts)'}`;
}
