// Secrets at rest (ADR 0011): corps' WeCom secret, callback token and AES key, OAuth secret and order-webhook
// token are stored as AES-256-GCM envelopes `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url), under the key
// in POND_SECRET_KEY. Older keys (POND_SECRET_KEY_PREVIOUS) still decrypt, so keys can be rotated with
// `pond rotate-secrets`. Each envelope is bound to its row and column (GCM additional data), so a ciphertext
// copied into another corp's row does not decrypt.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, parseSecretKey, SECRET_KEY_HINT, type Config } from '../config';

const PREFIX = 'enc:v1:';

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

export const keyIdOf = (key: Buffer) => createHash('sha256').update('pond-secret-key-id\0').update(key).digest().subarray(0, 6).toString('base64url');

export class SecretBox {
  readonly currentKeyId: string;
  private keys = new Map<string, Buffer>();
  private current: Buffer;

  constructor(current: Buffer, previous: Buffer[] = []) {
    this.current = current;
    this.currentKeyId = keyIdOf(current);
    for (const k of previous) this.keys.set(keyIdOf(k), k);
    this.keys.set(this.currentKeyId, current);
  }

  static isEnvelope(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  /** The id of the key a stored value is encrypted with, or null for plain text. */
  static keyIdOf(value: string): string | null {
    return SecretBox.isEnvelope(value) ? value.slice(PREFIX.length).split(':')[0] ?? null : null;
  }

  encrypt(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current, iv);
    cipher.setAAD(Buffer.from(context));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const b = (x: Buffer) => x.toString('base64url');
    return `${PREFIX}${this.currentKeyId}:${b(iv)}:${b(cipher.getAuthTag())}:${b(ct)}`;
  }

  /** `context` names the value in errors and must match the one it was encrypted with (e.g. `corps.secret:<corpId>`). */
  decrypt(value: string, context: string): string {
    if (!SecretBox.isEnvelope(value)) {
      throw new SecretError(`${context} is stored in plain text: restart Pond (or run \`pond migrate\`) to encrypt stored secrets`);
    }
    const [keyId, iv, tag, ct] = value.slice(PREFIX.length).split(':');
    const key = keyId ? this.keys.get(keyId) : undefined;
    if (!key || iv === undefined || tag === undefined || ct === undefined) {
      throw new SecretError(`${context} is encrypted with key ${keyId ?? '?'}, which is neither POND_SECRET_KEY (key ${this.currentKeyId}) nor in POND_SECRET_KEY_PREVIOUS`);
    }
    try {
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      d.setAAD(Buffer.from(context));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
    } catch {
      throw new SecretError(`${context} does not decrypt with key ${keyId}: the value was altered or belongs to another row`);
    }
  }
}

/**
 * The keys from the environment; in demo mode without POND_SECRET_KEY, `<dataDir>/secret.key` (created once,
 * mode 0600, safe when several processes start together). Outside demo mode a missing key stops the start.
 */
export function loadSecretBox(config: Pick<Config, 'secretKey' | 'previousSecretKeys' | 'demo' | 'dataDir'>): SecretBox {
  if (config.secretKey) return new SecretBox(config.secretKey, config.previousSecretKeys);
  if (!config.demo) {
    throw new ConfigError([`POND_SECRET_KEY: is required when WECOM_* are set (it encrypts the WeCom secrets stored in the database); ${SECRET_KEY_HINT}`]);
  }
  const dir = resolve(config.dataDir);
  const file = join(dir, 'secret.key');
  mkdirSync(dir, { recursive: true });
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    // Written aside, then linked into place: a concurrent first start either wins or reads the winner's key.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    try {
      linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(tmp);
    }
    raw = readFileSync(file, 'utf8');
  }
  return new SecretBox(parseSecretKey(file, raw), config.previousSecretKeys);
}
