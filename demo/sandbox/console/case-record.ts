/**
 * Everything the console shows of one case: the user, the case's statuses, the latest submission and
 * its files, each with a presigned GET URL from the file store (as the provider's detail endpoint gives
 * them, only shorter-lived) and whether it is an image or a PDF.
 */
import type { ExtendedDetailRow, UserKycRow, UserRow } from '../kyc-model.js';
import type { FileStore } from '../ports.js';
import type { SandboxStore } from '../store.js';
import { ConsoleError } from './console-error.js';

/** How a file is shown: inline image, link to a PDF, or a plain link. */
export type FileKind = 'image' | 'pdf' | 'other';

/** One uploaded file of a submission. */
export interface CaseFile {
  /** The submission field, e.g. `selfie_file_path` or `investor_proof_files_path[1]`. */
  field: string;
  /** The S3 key as submitted. */
  key: string;
  /** A presigned GET URL, or undefined when the file store could not make one. */
  url: string | undefined;
  kind: FileKind;
  /** Size in bytes when the file store knows the object; undefined when it is missing. */
  size: number | undefined;
}

/** A case with its user, latest submission and files. */
export interface CaseRecord {
  clientId: number;
  user: UserRow;
  kyc: UserKycRow;
  detail: ExtendedDetailRow;
  files: CaseFile[];
}

/** The console's document links stay valid this long (the detail endpoint uses 12 h). */
export const CONSOLE_URL_SECONDS = 3600;

function kindOf(contentType: string | undefined, key: string): FileKind {
  if (contentType !== undefined) {
    if (contentType.startsWith('image/')) return 'image';
    if (contentType === 'application/pdf') return 'pdf';
    return 'other';
  }
  // The provider's keys say what was presigned: `<client>/i/…` for images, `<client>/d/…` for documents (PDF).
  if (/^\d+\/i\//.test(key)) return 'image';
  if (/^\d+\/d\//.test(key)) return 'pdf';
  return 'other';
}

function fileFields(detail: ExtendedDetailRow): { field: string; key: string }[] {
  const fields: { field: string; key: string }[] = [
    { field: 'document_id_file_path', key: detail.document_id_file_path },
    { field: 'selfie_file_path', key: detail.selfie_file_path },
  ];
  if (detail.residence_proof_file_path) fields.push({ field: 'residence_proof_file_path', key: detail.residence_proof_file_path });
  detail.investor_proof_files_path.forEach((key, index) => {
    if (key) fields.push({ field: `investor_proof_files_path[${index}]`, key });
  });
  return fields.filter((file) => file.key !== '');
}

async function describeFile(fileStore: FileStore, field: string, key: string): Promise<CaseFile> {
  const [stat, url] = await Promise.all([
    fileStore.stat(key).catch(() => undefined),
    fileStore.presignGet(key, CONSOLE_URL_SECONDS).catch(() => undefined),
  ]);
  return { field, key, url, kind: kindOf(stat?.contentType, key), size: stat?.size };
}

/**
 * Load the active case of user `userId` of client `clientId`.
 *
 * @throws ConsoleError 404 when there is no such case (never submitted, other client, or deleted user).
 */
export async function loadCase(store: SandboxStore, fileStore: FileStore, clientId: number, userId: number): Promise<CaseRecord> {
  const found = store.getKycDetail(clientId, userId);
  const user = store.getUser(clientId, userId);
  if (!found || !user) throw new ConsoleError(404, `Client ${clientId} has no KYC case for user ${userId}.`);
  const files = await Promise.all(fileFields(found.detail).map(({ field, key }) => describeFile(fileStore, field, key)));
  return { clientId, user, kyc: found.kyc, detail: found.detail, files };
}
