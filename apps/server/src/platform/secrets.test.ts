import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { keyIdOf, loadSecretBox, SecretBox } from './secrets';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('SecretBox', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);

  it('seals into an enc:v1 envelope with the key id, fresh IV each time, and opens it', () => {
    const a = box.encrypt('wecom-secret-value', 'corps.secret:ww1');
    const b = box.encrypt('wecom-secret-value', 'corps.secret:ww1');
    expect(a).toMatch(/^enc:v1:[A-Za-z0-9_-]{8}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
    expect(a.split(':')[2]).toBe(keyIdOf(key));
    expect(a).not.toBe(b);
    expect(a).not.toContain('wecom-secret-value');
    expect(box.decrypt(a, 'corps.secret:ww1')).toBe('wecom-secret-value');
  });

  it('refuses a value moved to another row or column, an altered one, plain text, and an unknown key — each saying which', () => {
    const a = box.encrypt('s3cret', 'corps.secret:ww1');
    expect(() => box.decrypt(a, 'corps.secret:ww2')).toThrow(/corps\.secret:ww2 does not decrypt/);
    const parts = a.split(':');
    parts[5] = Buffer.from('x'.repeat(6)).toString('base64url');
    expect(() => box.decrypt(parts.join(':'), 'corps.secret:ww1')).toThrow(/does not decrypt/);
    expect(() => box.decrypt('s3cret', 'corps.secret:ww1')).toThrow(/stored in plain text/);
    const other = new SecretBox(randomBytes(32));
    expect(() => other.decrypt(a, 'corps.secret:ww1')).toThrow(new RegExp(`encrypted with key ${keyIdOf(key)}, which is neither POND_SECRET_KEY`));
  });

  it('still opens values under a previous key, and seals only with the current one', () => {
    const newer = randomBytes(32);
    const a = box.encrypt('v', 'c');
    const rotated = new SecretBox(newer, [key]);
    expect(rotated.decrypt(a, 'c')).toBe('v');
    expect(SecretBox.keyIdOf(rotated.encrypt('v', 'c'))).toBe(keyIdOf(newer));
  });
});

describe('POND_SECRET_KEY', () => {
  it('takes 32 bytes as base64 or hex, and names the variable when malformed (without echoing it)', () => {
    const k = randomBytes(32);
    expect(loadConfig({ POND_SECRET_KEY: k.toString('base64') }).secretKey).toEqual(k);
    expect(loadConfig({ POND_SECRET_KEY: k.toString('hex') }).secretKey).toEqual(k);
    expect(loadConfig({ POND_SECRET_KEY: k.toString('base64url') }).secretKey).toEqual(k);
    for (const bad of ['short', randomBytes(16).toString('base64'), randomBytes(31).toString('hex') + 'zz']) {
      try {
        loadConfig({ POND_SECRET_KEY: bad });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as Error).message).toMatch(/POND_SECRET_KEY: must be 32 random bytes in base64 \(44 characters\) or hex/);
        expect((err as Error).message).not.toContain(bad);
      }
    }
    expect(() => loadConfig({ POND_SECRET_KEY_PREVIOUS: `${k.toString('base64')}, nope` })).toThrow(/POND_SECRET_KEY_PREVIOUS \(key 2\): must be 32 random bytes/);
    expect(loadConfig({ POND_SECRET_KEY_PREVIOUS: `${k.toString('hex')},${k.toString('base64')}` }).previousSecretKeys).toHaveLength(2);
  });

  it('is required outside demo mode, with a clear start-up error', () => {
    const config = loadConfig({
      WECOM_CORP_ID: 'ww1234567890', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 'secret-secret', WECOM_CALLBACK_TOKEN: 'tok123', WECOM_CALLBACK_AES_KEY: 'a'.repeat(43),
    });
    expect(() => loadSecretBox(config)).toThrow(/POND_SECRET_KEY: is required when WECOM_\* are set/);
  });

  it('in demo mode without the variable, creates <dataDir>/secret.key once (mode 0600) and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pond-key-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const config = loadConfig({ POND_DATA_DIR: dataDir });
    const first = loadSecretBox(config);
    const file = join(dataDir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const content = readFileSync(file, 'utf8');
    const second = loadSecretBox(config);
    expect(second.currentKeyId).toBe(first.currentKeyId);
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(second.decrypt(first.encrypt('x', 'c'), 'c')).toBe('x');
  });
});
