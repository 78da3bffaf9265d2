/**
 * Prefill a resubmission: when a reviewer sends the case back, the investor fixes what was reported
 * instead of typing everything again. The last submission's answers (from the proxy) fill the draft
 * wherever the draft has nothing yet, so answers already corrected in this session win.
 */
import { FILE_FIELDS, KYC_FIELDS, type KycField } from '../../proxy/contract/kyc-fields.js';
import type { SubmittedAnswers } from '../api/proxy-types.js';
import type { Draft, DraftFile, DraftPatch } from '../draft/draft-store.js';

const isFileField = (field: KycField): boolean => (FILE_FIELDS as readonly string[]).includes(field);

/** A file of the last submission: only its storage key is known (the provider keeps no name or size). */
function fileFromKey(key: string): DraftFile {
  return { key, name: '', size: 0, type: '', previous: true };
}

/** The draft patch that adds the submitted answers the draft lacks. */
export function prefillFromSubmission(draft: Draft | undefined, submitted: SubmittedAnswers): DraftPatch {
  const answers: Record<string, string> = {};
  const files: Record<string, DraftFile[]> = {};
  for (const field of KYC_FIELDS) {
    const value = submitted[field];
    if (value === undefined) continue;
    if (isFileField(field)) {
      if ((draft?.files[field]?.length ?? 0) > 0) continue;
      const keys = Array.isArray(value) ? value : [value];
      if (keys.length > 0) files[field] = keys.map(fileFromKey);
    } else if (typeof value === 'string' && (draft?.answers[field] ?? '') === '') {
      answers[field] = value;
    }
  }
  return { answers, files };
}
