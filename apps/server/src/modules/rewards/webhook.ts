// The `webhook` adapter: a reward the shop fulfils itself (a gift to ship, a custom benefit) is POSTed to the shop's
// reward webhook as JSON, signed, with the reward's own idempotency key:
//
//   POST <webhookUrl>
//   content-type: application/json
//   Idempotency-Key: reward-<id>              (the same on every retry: the shop must apply it once)
//   X-Pond-Timestamp: <unix seconds>
//   X-Pond-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
//   {"event":"reward.issue","reward":{id, kind, title, externalUserid, unionid?, amountFen, points, couponCode, details}}
//
// 2xx: issued (the shop's reference kept from the body's `reference`, `id` or `externalRef`, when given); 408, 425,
// 429 and 5xx, a timeout or a network error: retried with back-off; any other 4xx: failed at once (an operator may
// retry it after fixing the cause); a redirect counts as a wrong URL (failed).
import { createHmac } from 'node:crypto';
import type pg from 'pg';
import { AdapterError, type OutboundAdapter } from './service';
import type { RewardRow } from './ledger';
import type { RewardSettingsService } from './settings';

export const SIGNATURE_HEADER = 'x-pond-signature';
export const TIMESTAMP_HEADER = 'x-pond-timestamp';

/** The signature the shop checks: HMAC-SHA256 over `<timestamp>.<raw body>` (reject timestamps older than 5 minutes). */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface WebhookAdapterDeps {
  pool: Pick<pg.Pool, 'query'>;
  settings: Pick<RewardSettingsService, 'config'>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const RETRYABLE_4XX = new Set([408, 425, 429]);

export function webhookAdapter(deps: WebhookAdapterDeps): OutboundAdapter {
  const doFetch = deps.fetch ?? fetch;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  return {
    async issue(r: RewardRow) {
      const cfg = await deps.settings.config(r.corp_id);
      if (!cfg.webhookUrl || !cfg.webhookSecret) {
        throw new AdapterError('no reward webhook is set up (Settings → 奖励发放 Reward payouts)', true);
      }
      const { rows: [c] } = await deps.pool.query<{ unionid: string | null }>(
        'SELECT unionid FROM customers WHERE corp_id = $1 AND external_userid = $2', [r.corp_id, r.external_userid]);
      const body = JSON.stringify({
        event: 'reward.issue',
        reward: {
          id: r.id, kind: r.kind, title: r.title, externalUserid: r.external_userid, ...(c?.unionid ? { unionid: c.unionid } : {}),
          campaignId: r.campaign_id, source: r.source, amountFen: r.amount_fen, points: r.points, couponCode: r.coupon_code, details: r.details,
          createdAt: r.created_at.toISOString(),
        },
      });
      const timestamp = String(Math.floor(Date.now() / 1000));
      let res: Response;
      try {
        res = await doFetch(cfg.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json', 'idempotency-key': `reward-${r.id}`,
            [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signWebhook(cfg.webhookSecret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
      } catch (err) {
        throw new AdapterError(`reward webhook: ${err instanceof Error && err.name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : String((err as Error).message ?? err)}`, true);
      }
      const text = (await res.text().catch(() => '')).slice(0, 2000);
      if (res.status >= 200 && res.status < 300) {
        let ref: unknown;
        try {
          const j = JSON.parse(text) as Record<string, unknown>;
          ref = j.reference ?? j.externalRef ?? j.id;
        } catch { ref = undefined; }
        return { externalRef: typeof ref === 'string' || typeof ref === 'number' ? String(ref).slice(0, 200) : undefined };
      }
      const retryable = res.status >= 500 || RETRYABLE_4XX.has(res.status);
      throw new AdapterError(`reward webhook answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, retryable);
    },
  };
}
