// POSIX path arithmetic for stores without a disk (the working directory is `/`).
import type { StorePath } from './types.js';

function normalize(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = out.join('/');
  return abs ? `/${s}` : s === '' ? '.' : s;
}

/** POSIX `join`, `dirname`, `basename`, `resolve` (from `/`) and `isAbsolute`. */
export const posixPath: StorePath = {
  join: (...parts) => normalize(parts.filter((p) => p !== '').join('/') || '.'),
  dirname(p) {
    const n = normalize(p);
    const i = n.lastIndexOf('/');
    if (i < 0) return '.';
    return i === 0 ? '/' : n.slice(0, i);
  },
  basename(p) {
    const n = normalize(p);
    return n === '/' ? '' : n.slice(n.lastIndexOf('/') + 1);
  },
  resolve: (p) => normalize(p.startsWith('/') ? p : `/${p}`),
  isAbsolute: (p) => p.startsWith('/'),
};
