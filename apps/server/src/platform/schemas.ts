// The input limits are declared once, in @pond/contracts/common (shared with the console); this file adds the
// server-side guards: strings Postgres cannot store and JSON nested deeper than any request needs.
export * from '@pond/contracts/common';

// ---- strings Postgres can store ----

/** NUL (Postgres text cannot hold it) or a lone UTF-16 surrogate (not Unicode: jsonb refuses it). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** JSON nesting no request needs; deeper bodies are refused before any schema (or JSON.stringify) recurses into them. */
export const MAX_JSON_DEPTH = 64;

export interface InputProblem { path: string; rule: string }

const fieldPath = (parts: (string | number)[]) => parts.join('.');

/**
 * The first string (or object key) in a parsed request part that Postgres cannot store, or the first place nested
 * deeper than MAX_JSON_DEPTH. Iterative, so a hostile body nested 100,000 levels costs a loop, not the stack.
 */
export function findUnstorable(value: unknown): InputProblem | null {
  const stack: [unknown, (string | number)[]][] = [[value, []]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return { path: fieldPath(path), rule: v.includes('\u0000') ? 'must not contain NUL (\\u0000) characters' : 'must be valid Unicode (no lone surrogates)' };
      continue;
    }
    if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) continue;
    if (path.length >= MAX_JSON_DEPTH) return { path: fieldPath(path.slice(0, 1)), rule: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], [...path, i]]);
    } else {
      for (const [k, x] of Object.entries(v)) {
        if (UNSTORABLE.test(k)) return { path: fieldPath(path), rule: 'must not have keys with NUL characters or lone surrogates' };
        stack.push([x, [...path, k]]);
      }
    }
  }
  return null;
}

