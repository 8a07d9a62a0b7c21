// A corp's archive settings: the sidecar, the archive secret and RSA private keys per publickey_ver — sealed with the
// platform's secret box (ADR 0011) and bound to row and column, never returned by the API — and the retention.
import type pg from 'pg';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { ArchiveSettings, ArchiveSettingsBody } from '@pond/contracts/archive';
import { AppError } from '../../platform/errors';
import type { SecretBox } from '../../platform/secrets';
import type { Row } from '../../platform/db/rows';
import { ArchiveKeyError, loadPrivateKey } from './crypto';

type SettingsRow = Row<'archive_settings'>;
type CursorRow = Row<'archive_cursors'>;

const context = (col: string, corpId: string) => `archive_settings.${col}:${corpId}`;

/** What the ingest needs, opened. */
export interface ArchiveConfig {
  enabled: boolean;
  sidecarUrl: string;
  secret: string;
  sidecarToken: string | null;
  keys: Map<number, KeyObject>;
  retentionDays: number | null;
}

export class ArchiveSettingsService {
  constructor(private pool: pg.Pool, private secrets: SecretBox) {}

  private async row(corpId: string): Promise<SettingsRow | null> {
    return (await this.pool.query<SettingsRow>('SELECT * FROM archive_settings WHERE corp_id = $1', [corpId])).rows[0] ?? null;
  }

  /** The opened configuration, or null when the archive is off or incomplete (no sidecar, secret or key). */
  async config(corpId: string): Promise<ArchiveConfig | null> {
    const r = await this.row(corpId);
    if (!r?.enabled || !r.sidecar_url || !r.secret || Object.keys(r.private_keys).length === 0) return null;
    const keys = new Map<number, KeyObject>();
    for (const [v, sealed] of Object.entries(r.private_keys)) keys.set(Number(v), loadPrivateKey(this.secrets.decrypt(sealed, context(`private_key.${v}`, corpId))));
    return {
      enabled: true,
      sidecarUrl: r.sidecar_url,
      secret: this.secrets.decrypt(r.secret, context('secret', corpId)),
      sidecarToken: r.sidecar_token ? this.secrets.decrypt(r.sidecar_token, context('sidecar_token', corpId)) : null,
      keys,
      retentionDays: r.retention_days,
    };
  }

  async view(corpId: string): Promise<ArchiveSettings> {
    const r = await this.row(corpId);
    const c = (await this.pool.query<CursorRow>('SELECT * FROM archive_cursors WHERE corp_id = $1', [corpId])).rows[0];
    return {
      enabled: r?.enabled ?? false,
      sidecarUrl: r?.sidecar_url ?? null,
      secretSet: r?.secret != null,
      sidecarTokenSet: r?.sidecar_token != null,
      keyVersions: Object.keys(r?.private_keys ?? {}).map(Number).sort((a, b) => a - b),
      retentionDays: r?.retention_days ?? null,
      cursor: { seq: c?.seq ?? 0, stored: c?.stored ?? 0, skippedNoConsent: c?.skipped_no_consent ?? 0, pulledAt: c?.pulled_at ?? null, lastError: c?.last_error ?? null },
      updatedAt: r?.updated_at ?? null,
    };
  }

  /**
   * The demo corp's archive on the simulator (once; a moved address is followed): a key pair made here, its public key
   * registered as version 1 (`register` answers with the archive secret), the sidecar URL the simulator's interface.
   */
  async ensureDemoArchive(corpId: string, sidecarUrl: string, register: (version: number, publicKey: string) => Promise<{ secret: string }>): Promise<void> {
    const r = await this.row(corpId);
    if (r?.secret && r.private_keys['1']) {
      if (r.sidecar_url !== sidecarUrl) await this.update(corpId, { sidecarUrl }, 'demo');
      return;
    }
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { secret } = await register(1, publicKey.export({ type: 'spki', format: 'pem' }).toString());
    await this.update(corpId, {
      enabled: true, sidecarUrl, secret, retentionDays: 180,
      privateKeys: [{ version: 1, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }],
    }, 'demo');
  }

  /** Changes what the body gives (left out: kept; null: cleared). Keys are checked to be RSA private keys before they are sealed. */
  async update(corpId: string, body: ArchiveSettingsBody, actor: string | null): Promise<ArchiveSettings> {
    const sealed = (col: string, v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : this.secrets.encrypt(v, context(col, corpId)));
    body.privateKeys?.forEach((k, i) => {
      try { loadPrivateKey(k.privateKey.trim()); } catch (err) {
        if (err instanceof ArchiveKeyError) throw AppError.validation(`privateKeys.${i}.privateKey`, err.message);
        throw err;
      }
    });
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO archive_settings (corp_id) VALUES ($1) ON CONFLICT (corp_id) DO NOTHING', [corpId]);
      const cur = (await client.query<SettingsRow>('SELECT * FROM archive_settings WHERE corp_id = $1 FOR UPDATE', [corpId])).rows[0];
      const keys = { ...cur.private_keys };
      for (const v of body.removeKeyVersions ?? []) delete keys[String(v)];
      for (const k of body.privateKeys ?? []) keys[String(k.version)] = this.secrets.encrypt(k.privateKey.trim(), context(`private_key.${k.version}`, corpId));
      const cols: [string, unknown][] = [
        ['enabled', body.enabled], ['sidecar_url', body.sidecarUrl === undefined || body.sidecarUrl === null ? body.sidecarUrl : body.sidecarUrl.replace(/\/+$/, '')],
        ['secret', sealed('secret', body.secret)], ['sidecar_token', sealed('sidecar_token', body.sidecarToken)],
        ['retention_days', body.retentionDays], ['private_keys', JSON.stringify(keys)],
      ];
      const given = cols.filter(([, v]) => v !== undefined);
      await client.query(
        `UPDATE archive_settings SET ${given.map(([c], i) => `${c} = $${i + 2}`).join(', ')}, updated_by = $${given.length + 2}, updated_at = now() WHERE corp_id = $1`,
        [corpId, ...given.map(([, v]) => v), actor],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
    return this.view(corpId);
  }
}
