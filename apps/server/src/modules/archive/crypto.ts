// The archive's RSA step (WECOM.md §16): each item's random key is RSA-encrypted (PKCS#1 v1.5) with the corp's public
// key of `publickey_ver`; Pond opens it with the matching private key from the sealed settings. Node ≥ 20.11 refuses
// PKCS#1 v1.5 in privateDecrypt (CVE-2023-46809, the Marvin timing attack on servers that answer differently for bad
// padding), so the raw RSA is done with no padding and the v1.5 frame is read here; Pond never answers anyone about a
// key that did not open — a bad item stops the batch — so there is no padding oracle to time.
import { constants, createPrivateKey, privateDecrypt, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export class ArchiveKeyError extends Error {}

export function loadPrivateKey(pem: string): KeyObject {
  try {
    const k = createPrivateKey(pem);
    if (k.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return k;
  } catch {
    throw new ArchiveKeyError('not an RSA private key in PEM (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)');
  }
}

/** RSA-decrypts a base64 `encrypt_random_key` (PKCS#1 v1.5) to the random key string DecryptData takes. */
export function openRandomKey(key: KeyObject, encrypted: string): string {
  let em: Buffer;
  try {
    em = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, Buffer.from(encrypted, 'base64'));
  } catch {
    throw new ArchiveKeyError('encrypt_random_key does not decrypt with this key');
  }
  // EM = 0x00 || 0x02 || PS (≥ 8 non-zero bytes) || 0x00 || M
  const sep = em.indexOf(0, 2);
  if (em[0] !== 0 || em[1] !== 2 || sep < 10) throw new ArchiveKeyError('encrypt_random_key does not decrypt with this key (padding)');
  return em.subarray(sep + 1).toString('utf8');
}

// ---- the RSA step off the main thread ----
// 2048-bit private-key operations are ~1 ms each and a batch has up to 1000 of them (one random key per message): a
// few worker threads open them while the main thread stores the previous batch (ingest.ts pipelines the two).

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { constants, privateDecrypt } = require('node:crypto');
parentPort.on('message', ({ id, key, items }) => {
  const out = [];
  try {
    for (const enc of items) {
      let em;
      try { em = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, Buffer.from(enc, 'base64')); }
      catch { throw new Error('encrypt_random_key does not decrypt with this key'); }
      const sep = em.indexOf(0, 2);
      if (em[0] !== 0 || em[1] !== 2 || sep < 10) throw new Error('encrypt_random_key does not decrypt with this key (padding)');
      out.push(em.subarray(sep + 1).toString('utf8'));
    }
    parentPort.postMessage({ id, out });
  } catch (err) {
    parentPort.postMessage({ id, error: err.message });
  }
});`;

/** Opens many random keys on worker threads (below `MIN_PARALLEL` items, or with one core, on this thread). */
export class RandomKeyOpener {
  private workers: Worker[] = [];
  private waiting = new Map<number, { resolve(v: string[]): void; reject(e: Error): void }>();
  private next = 0;
  static readonly MIN_PARALLEL = 64;

  constructor(private size = Math.max(1, Math.min(4, availableParallelism() - 1))) {}

  private pool(): Worker[] {
    if (this.workers.length === 0) {
      for (let i = 0; i < this.size; i++) {
        const w = new Worker(WORKER_SOURCE, { eval: true });
        w.unref();
        w.on('message', (m: { id: number; out?: string[]; error?: string }) => {
          const p = this.waiting.get(m.id);
          this.waiting.delete(m.id);
          if (m.error) p?.reject(new ArchiveKeyError(m.error));
          else p?.resolve(m.out!);
        });
        w.on('error', (err) => {
          for (const p of this.waiting.values()) p.reject(err);
          this.waiting.clear();
          this.workers = [];
        });
        this.workers.push(w);
      }
    }
    return this.workers;
  }

  /** The random keys of `items` (each with its own private key), in order. */
  async open(items: { key: KeyObject; encrypted: string }[]): Promise<string[]> {
    if (items.length < RandomKeyOpener.MIN_PARALLEL || availableParallelism() < 2) return items.map((x) => openRandomKey(x.key, x.encrypted));
    const workers = this.pool();
    // Items of one key go together (a batch nearly always has one key version).
    const byKey = new Map<KeyObject, number[]>();
    items.forEach((x, i) => byKey.set(x.key, [...(byKey.get(x.key) ?? []), i]));
    const out = new Array<string>(items.length);
    const jobs: Promise<void>[] = [];
    for (const [key, idx] of byKey) {
      const per = Math.ceil(idx.length / workers.length);
      for (let w = 0; w < workers.length && w * per < idx.length; w++) {
        const part = idx.slice(w * per, (w + 1) * per);
        const id = this.next++;
        jobs.push(new Promise<string[]>((resolve, reject) => {
          this.waiting.set(id, { resolve, reject });
          workers[w].postMessage({ id, key, items: part.map((i) => items[i].encrypted) });
        }).then((r) => { part.forEach((i, j) => { out[i] = r[j]; }); }));
      }
    }
    await Promise.all(jobs);
    return out;
  }

  async close(): Promise<void> {
    const ws = this.workers;
    this.workers = [];
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
