// Runs a Python script in the TensorFlow venv with JSON in and JSON out: reference numbers are
// computed by TensorFlow itself at test time, never pasted.
import { spawnSync } from 'node:child_process';
import { tfUnavailableReason, venvPython } from './venv.js';

export interface PythonOptions {
  /** Seconds before the child is killed (default 300: TF's import alone takes ~4 s). */
  timeoutSeconds?: number;
  cwd?: string;
}

/**
 * Runs `script` with `input` as JSON on stdin; the script must print one JSON document on its
 * last stdout line. `import json, sys; inp = json.load(sys.stdin)` reads the input.
 * TensorFlow's logging is silenced; stderr is included in the error when the script fails.
 */
export function runPython<T = unknown>(
  script: string,
  input: unknown = null,
  options: PythonOptions = {},
): T {
  const reason = tfUnavailableReason();
  if (reason !== null) throw new Error(`runPython: ${reason}`);
  const res = spawnSync(venvPython(), ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: (options.timeoutSeconds ?? 300) * 1000,
    cwd: options.cwd,
    env: {
      ...process.env,
      TF_CPP_MIN_LOG_LEVEL: '3',
      TF_ENABLE_ONEDNN_OPTS: '0',
      CUDA_VISIBLE_DEVICES: '-1',
      PYTHONHASHSEED: '0',
    },
  });
  if (res.error) throw new Error(`runPython: could not run ${venvPython()}: ${res.error.message}`);
  if (res.status !== 0) {
    throw new Error(`runPython: the script exited with ${res.status}:\n${res.stderr.slice(-4000)}`);
  }
  const lines = res.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`runPython: expected JSON on the last stdout line, got: ${last.slice(0, 500)}`);
  }
}
