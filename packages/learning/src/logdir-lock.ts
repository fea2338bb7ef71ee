// One trainer per log directory: `train` holds `<logdir>/train.lock` while it runs, so a second
// trainer is refused instead of overwriting the first one's checkpoints.
import type { FileStore } from '@tfslim/storage';
import { errorCode, hostName, processAlive } from '@tfslim/storage';
import { LearningError } from './errors.js';

/** The lock file's name inside the logdir. */
export const LOCK_FILENAME = 'train.lock';

/** Who holds a logdir, as its lock file says. */
export interface LogdirLockHolder {
  /** A random id of the `train` call that took the lock. */
  owner: string;
  /** Its process id (absent in a browser, which has none). */
  pid?: number;
  /** Its machine (`os.hostname()`, or the page's host name). */
  host: string;
  /** When it took the lock (ISO 8601). */
  startedAt: string;
}

/**
 * Another trainer holds this log directory (its `train.lock`): two trainers on one logdir
 * overwrite each other's checkpoints. `holder` is who (null when the lock file cannot be read).
 *
 * @example
 * try { await train(trainOp, logdir, options); } catch (e) {
 *   if (e instanceof LogdirLockedError) console.error(e.holder?.pid, e.holder?.host, e.lockFile);
 * }
 */
export class LogdirLockedError extends LearningError {
  override readonly code: string = 'LOGDIR_LOCKED';
  constructor(
    /** The lock file (`<logdir>/train.lock`): delete it if its holder is gone. */
    readonly lockFile: string,
    /** The trainer holding the logdir, as the lock file says (null when unreadable). */
    readonly holder: LogdirLockHolder | null,
    why: string,
  ) {
    super(
      `train: expected the logdir to be free, got ${holderText(holder)} holding it (${lockFile}). ` +
        `Use another logdir, or wait for that trainer to finish; ${why}.`,
    );
    this.name = 'LogdirLockedError';
  }
}

/** A held lock; `release` removes the file if it is still ours. */
export interface LogdirLock {
  readonly file: string;
  release(): Promise<void>;
}

// Owners of locks held by this process (or page): a lock naming this pid but no live owner
// was left by a `train` here that could not remove it, and is stale.
const heldHere = new Set<string>();

// An unreadable lock is one being written (create, then write); after this long it is a
// lock whose writer died between the two.
const UNREADABLE_STALE_MS = 60_000;

function holderText(h: LogdirLockHolder | null): string {
  if (h === null) return 'a trainer whose lock file cannot be read';
  const who = h.pid === undefined ? `a page (owner ${h.owner})` : `process ${h.pid}`;
  return `${who} on host ${h.host} since ${h.startedAt}`;
}

function randomId(): string {
  const b = new Uint8Array(8);
  globalThis.crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function thisProcessId(): number | undefined {
  const p = (globalThis as { process?: { pid?: unknown } }).process;
  return typeof p?.pid === 'number' && p.pid > 0 ? p.pid : undefined;
}

function parseHolder(bytes: Uint8Array): LogdirLockHolder | null {
  try {
    const h = JSON.parse(new TextDecoder().decode(bytes)) as Partial<LogdirLockHolder>;
    if (typeof h.owner !== 'string' || typeof h.host !== 'string') return null;
    if (typeof h.startedAt !== 'string') return null;
    return {
      owner: h.owner,
      host: h.host,
      startedAt: h.startedAt,
      ...(typeof h.pid === 'number' ? { pid: h.pid } : {}),
    };
  } catch {
    return null;
  }
}

/** Creates `file` with `bytes` only if it does not exist; false when it does. */
async function createExclusive(
  store: FileStore,
  file: string,
  bytes: Uint8Array,
): Promise<boolean> {
  try {
    if (store.sync) {
      store.sync.create(file, bytes);
      return true;
    }
    const fh = await store.open(file, 'wx');
    try {
      await fh.write(bytes, 0);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return true;
  } catch (e) {
    if (errorCode(e) === 'EEXIST') return false;
    throw e;
  }
}

type Seen = { holder: LogdirLockHolder | null; bytes: Uint8Array; stale: string | null };

/** The lock file's holder and whether it is stale (why), or undefined when it vanished. */
async function inspect(store: FileStore, file: string): Promise<Seen | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await store.readFile(file);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  const holder = parseHolder(bytes);
  if (holder === null) {
    const st = await store.stat(file);
    const old = st !== undefined && Date.now() - st.mtimeMs > UNREADABLE_STALE_MS;
    return { holder, bytes, stale: old ? 'unreadable and over a minute old' : null };
  }
  const here = holder.host === hostName() && holder.pid !== undefined;
  if (here && holder.pid === thisProcessId() && !heldHere.has(holder.owner)) {
    return { holder, bytes, stale: 'left by this process' };
  }
  if (here && processAlive(holder.pid!) === false) {
    return { holder, bytes, stale: `process ${holder.pid} is gone` };
  }
  return { holder, bytes, stale: null };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Moves a stale lock aside and removes it. When another trainer replaced it in between (it
 * took the lock over first), puts that one back and returns false.
 */
async function takeOver(store: FileStore, file: string, stale: Uint8Array): Promise<boolean> {
  const aside = `${file}.stale-${randomId()}`;
  try {
    await store.rename(file, aside);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return true;
    throw e;
  }
  if (sameBytes(await store.readFile(aside), stale)) {
    await store.remove(aside);
    return true;
  }
  await store.rename(aside, file);
  return false;
}

function whyRefused(holder: LogdirLockHolder | null, file: string): string {
  const remove = `if it is gone, delete ${file}`;
  if (holder === null) return `if no trainer is running there, delete ${file}`;
  if (holder.pid === undefined) {
    return `a page cannot tell whether the tab that took the lock is still open: ${remove} (await fileStore.remove(e.lockFile))`;
  }
  if (holder.host !== hostName())
    return `this machine cannot check a process on another: ${remove}`;
  return `that process is running; stop it first`;
}

/**
 * Takes `<logdir>/train.lock` for this `train` call, or throws {@link LogdirLockedError}
 * naming the trainer that holds it. A lock left by a process that died on this machine (its
 * pid is gone) is taken over. In a page, which has no process id, a lock left by a tab
 * closed mid-training cannot be told from a live one: the error says how to remove it.
 */
export async function lockLogdir(store: FileStore, logdir: string): Promise<LogdirLock> {
  await store.mkdir(logdir);
  const file = store.path.join(logdir, LOCK_FILENAME);
  const pid = thisProcessId();
  const me: LogdirLockHolder = {
    owner: randomId(),
    ...(pid === undefined ? {} : { pid }),
    host: hostName(),
    startedAt: new Date().toISOString(),
  };
  const bytes = new TextEncoder().encode(`${JSON.stringify(me)}\n`);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(store, file, bytes)) {
      heldHere.add(me.owner);
      return { file, release: () => release(store, file, me.owner) };
    }
    const seen = await inspect(store, file);
    if (seen === undefined) continue; // released meanwhile
    if (seen.stale !== null && (await takeOver(store, file, seen.bytes))) continue;
    if (seen.stale === null || attempt === 2) {
      throw new LogdirLockedError(file, seen.holder, whyRefused(seen.holder, file));
    }
  }
  const seen = await inspect(store, file);
  throw new LogdirLockedError(file, seen?.holder ?? null, whyRefused(seen?.holder ?? null, file));
}

async function release(store: FileStore, file: string, owner: string): Promise<void> {
  heldHere.delete(owner);
  const seen = await inspect(store, file);
  if (seen?.holder?.owner === owner) await store.remove(file);
}
