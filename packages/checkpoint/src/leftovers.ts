// What a saver killed mid-save leaves in a checkpoint directory (temporary files, checkpoint
// files the state file no longer lists), and its removal by the next save there.
import type { FileStore } from '@tfslim/storage';
import { processAlive } from '@tfslim/storage';
import type { CheckpointState } from './checkpoint-state.js';
import { resolveStatePath } from './checkpoint-state.js';

// tempNameFor's names: `<target>.tmp-<pid>-<12 hex digits>`.
const TEMP_NAME = /\.tmp-(\d+)-[0-9a-f]{12}$/;
const BUNDLE_FILE = /^(.+)\.(index|data-\d{5}-of-\d{5})$/;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Temporary files in `names` whose writer, a process on this machine, has exited. */
function deadTemps(names: readonly string[]): string[] {
  const self = (globalThis as { process?: { pid?: number } }).process?.pid;
  return names.filter((n) => {
    const pid = Number(TEMP_NAME.exec(n)?.[1] ?? NaN);
    return Number.isSafeInteger(pid) && pid !== self && processAlive(pid) === false;
  });
}

/**
 * Files of `<prefixName>-<step>` checkpoints that `state` does not list and that are either
 * older than its newest checkpoint or incomplete (an index without data or data without an
 * index). Index files first, so a half-removed checkpoint never looks complete.
 */
function orphanFiles(
  store: FileStore,
  dir: string,
  names: readonly string[],
  prefixName: string,
  state: CheckpointState,
): string[] {
  const stepOf = new RegExp(`^${escapeRegExp(prefixName)}-(\\d+)$`);
  const listed = new Set(
    [...state.allModelCheckpointPaths, state.modelCheckpointPath]
      .filter((p) => p !== '')
      .map((p) => resolveStatePath(store, dir, p)),
  );
  let newest = -1;
  for (const p of listed) {
    if (store.path.dirname(p) !== dir) continue;
    const m = stepOf.exec(store.path.basename(p));
    if (m) newest = Math.max(newest, Number(m[1]));
  }
  const groups = new Map<string, string[]>();
  for (const n of names) {
    const m = BUNDLE_FILE.exec(n);
    if (!m || !stepOf.test(m[1]!)) continue;
    groups.set(m[1]!, [...(groups.get(m[1]!) ?? []), n]);
  }
  const out: string[] = [];
  for (const [base, files] of groups) {
    if (listed.has(store.path.join(dir, base))) continue;
    const step = Number(stepOf.exec(base)![1]);
    const hasIndex = files.includes(`${base}.index`);
    const complete = hasIndex && files.length > 1;
    if (step < newest || !complete) {
      out.push(
        ...files.sort((a, b) => Number(b.endsWith('.index')) - Number(a.endsWith('.index'))),
      );
    }
  }
  return out;
}

/**
 * Removes from `dir` the temporary files of savers that died on this machine (the pid in the
 * name is gone; a live process's are kept) and, when `state` is the directory's intact state
 * after a save, the orphan checkpoint files of `prefixName` (see {@link orphanFiles}). Best
 * effort: a file that cannot be removed stays, and the save that called this still succeeds.
 * Returns the names removed.
 */
export async function removeLeftovers(
  store: FileStore,
  dir: string,
  prefixName: string,
  state: CheckpointState | null,
): Promise<string[]> {
  let names: string[];
  try {
    names = await store.list(dir);
  } catch {
    return [];
  }
  const doomed = deadTemps(names);
  if (state !== null) doomed.push(...orphanFiles(store, dir, names, prefixName, state));
  const removed: string[] = [];
  for (const n of doomed) {
    try {
      await store.remove(store.path.join(dir, n));
      removed.push(n);
    } catch {
      // left for the next save
    }
  }
  if (removed.length > 0) await store.syncDir(dir).catch(() => undefined);
  return removed;
}
