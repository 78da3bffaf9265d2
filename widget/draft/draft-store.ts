/**
 * The investor's draft, kept across a reload, a tab closed and reopened in the same browser session, an
 * expired token and a failed submit: every answer, the step, the confirmations, and the storage keys of
 * files already uploaded (so they are not sent again). Never the token and never file bytes: only
 * strings, numbers and booleans the store copies field by field get written.
 *
 * `sessionStorage` by default: it lasts as long as the tab (and is restored with a reopened tab), is not
 * shared with other tabs, and is gone when the browser session ends, which is the right life for
 * personal data typed on a shared computer. One entry per proxy origin and sale, versioned. Corrupt JSON,
 * another version, or a storage that throws (private mode, quota, disabled) leave the store working in
 * memory for the page's life.
 */

/** An uploaded file as the draft remembers it: its storage key and what to show. */
export interface DraftFile {
  key: string;
  name: string;
  size: number;
  type: string;
  /** Sent with the last submission (a prefilled resubmission): its name, size and type are unknown. */
  previous?: true;
}

/** What a draft holds. */
export interface Draft {
  email?: string;
  /** The provider user id the answers belong to (a different investor signing in starts afresh). */
  userId?: string;
  /** The step the investor was on. */
  step?: string;
  /** Field → answer (text, or a list of texts). */
  answers: Record<string, string | string[]>;
  /** File field → the files uploaded for it. */
  files: Record<string, DraftFile[]>;
  /** Confirmation id → ticked. */
  confirmations: Record<string, boolean>;
  /** Unix ms of the last save. */
  savedAt: number;
}

/**
 * A change to the draft: `answers`, `confirmations` and `files` are merged key by key (a field's file
 * list is replaced as a whole); `email`, `userId` and `step` replace the stored ones.
 */
export type DraftPatch = Partial<Omit<Draft, 'savedAt'>>;

/** The storage the draft is written to (the `Storage` interface's part it uses). */
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Options of {@link createDraftStore}. */
export interface DraftStoreOptions {
  proxy: string;
  sale: string;
  /** Default `sessionStorage` (read when the store is created, never at import). */
  storage?: DraftStorage;
  /** The clock, ms. */
  now?: () => number;
}

/** One element's draft. */
export interface DraftStore {
  /** The stored draft, or undefined when there is none (or it could not be read). */
  load(): Draft | undefined;
  /** Merge `patch` into the draft and write it at once; returns the new draft. */
  save(patch: DraftPatch): Draft;
  /** Forget the draft (after a successful submission, or a different investor). */
  clear(): void;
  /** The storage key (for tests and debugging). */
  readonly key: string;
  /** False once the storage failed and the draft lives in memory only. */
  readonly persistent: boolean;
}

/** Bumped when the stored shape changes; an older entry is ignored rather than misread. */
export const DRAFT_VERSION = 1;

/** A string that looks like a compact JWS (a widget token): never written, whatever field it lands in. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/;
/** Longest answer kept (the longest field accepts 255; anything far longer is not an answer). */
const MAX_TEXT = 2000;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= MAX_TEXT && !TOKEN_SHAPE.test(value) ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own, plain keys only: `__proto__` and friends never become properties. */
function entries(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value).filter(([key]) => key !== '__proto__' && key !== 'constructor' && key !== 'prototype') : [];
}

function cleanAnswers(value: unknown): Record<string, string | string[]> {
  const answers: Record<string, string | string[]> = {};
  for (const [field, answer] of entries(value)) {
    if (Array.isArray(answer)) {
      const texts = answer.map(text).filter((item): item is string => item !== undefined);
      if (texts.length === answer.length) answers[field] = texts;
    } else {
      const kept = text(answer);
      if (kept !== undefined) answers[field] = kept;
    }
  }
  return answers;
}

function cleanFiles(value: unknown): Record<string, DraftFile[]> {
  const files: Record<string, DraftFile[]> = {};
  for (const [field, list] of entries(value)) {
    if (!Array.isArray(list)) continue;
    const kept: DraftFile[] = [];
    for (const item of list) {
      if (!isRecord(item)) continue;
      // Copied field by field: a File or a Blob handed in by mistake leaves nothing but its name.
      const key = text(item['key']);
      const name = text(item['name']);
      const type = text(item['type']);
      const size = item['size'];
      if (key !== undefined && name !== undefined && type !== undefined && typeof size === 'number' && Number.isFinite(size)) {
        kept.push(item['previous'] === true ? { key, name, size, type, previous: true } : { key, name, size, type });
      }
    }
    files[field] = kept;
  }
  return files;
}

function cleanConfirmations(value: unknown): Record<string, boolean> {
  const confirmations: Record<string, boolean> = {};
  for (const [id, ticked] of entries(value)) if (typeof ticked === 'boolean') confirmations[id] = ticked;
  return confirmations;
}

/** A draft made only of the parts a draft may hold. */
function cleanDraft(value: unknown, savedAt: number): Draft {
  const source = isRecord(value) ? value : {};
  const email = text(source['email']);
  const userId = text(source['userId']);
  const step = text(source['step']);
  return {
    ...(email !== undefined ? { email } : {}),
    ...(userId !== undefined ? { userId } : {}),
    ...(step !== undefined ? { step } : {}),
    answers: cleanAnswers(source['answers']),
    files: cleanFiles(source['files']),
    confirmations: cleanConfirmations(source['confirmations']),
    savedAt: typeof source['savedAt'] === 'number' ? source['savedAt'] : savedAt,
  };
}

/** The origin of the proxy URL (the key must not change with a trailing slash or a path). */
function originOf(proxy: string): string {
  try {
    return new URL(proxy).origin;
  } catch {
    return proxy;
  }
}

function defaultStorage(): DraftStorage | undefined {
  try {
    // Reading the property itself throws where storage is disabled (sandboxed frames, some privacy modes).
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    return undefined;
  }
}

/** Create the draft store of one sale on one proxy. */
export function createDraftStore(options: DraftStoreOptions): DraftStore {
  const now = options.now ?? Date.now;
  const key = `kyc-onboarding:draft:${originOf(options.proxy)}:${options.sale}`;
  let storage = options.storage ?? defaultStorage();
  /** The draft in memory: what the page has, whether or not the storage took it. */
  let memory: Draft | undefined;
  let loaded = false;

  function readStored(): Draft | undefined {
    if (storage === undefined) return undefined;
    let raw: string | null;
    try {
      raw = storage.getItem(key);
    } catch {
      storage = undefined;
      return undefined;
    }
    if (raw === null) return undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!isRecord(parsed) || parsed['v'] !== DRAFT_VERSION) return undefined;
      return cleanDraft(parsed['draft'], now());
    } catch {
      return undefined;
    }
  }

  function load(): Draft | undefined {
    if (!loaded) {
      memory = readStored() ?? memory;
      loaded = true;
    }
    return memory;
  }

  return {
    key,
    get persistent() {
      return storage !== undefined;
    },
    load,
    save(patch) {
      const current = load();
      const next = cleanDraft(
        {
          ...current,
          ...patch,
          answers: { ...current?.answers, ...patch.answers },
          files: { ...current?.files, ...patch.files },
          confirmations: { ...current?.confirmations, ...patch.confirmations },
          savedAt: now(),
        },
        now(),
      );
      memory = next;
      if (storage !== undefined) {
        try {
          storage.setItem(key, JSON.stringify({ v: DRAFT_VERSION, draft: next }));
        } catch {
          // Quota or a storage turned off: keep the draft for this page at least.
          storage = undefined;
        }
      }
      return next;
    },
    clear() {
      memory = undefined;
      loaded = true;
      try {
        storage?.removeItem(key);
      } catch {
        storage = undefined;
      }
    },
  };
}
