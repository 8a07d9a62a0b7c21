// Corp connection settings and the setup checklist: the WeCom mistakes users hit most (token fails,
// callback never verified, trusted IP 60020, a secret from the wrong app 48002/48009), each with its fix.
import { z } from 'zod';
import type pg from 'pg';
import type { Cols, Row } from '../../platform/db/rows';
import { WecomError } from '@pond/wecom';
import type { App } from '../../platform/http';
import type { CorpService } from '../org';
import type { SyncService } from '../sync';
import { access, ADMIN_ONLY } from '../../platform/access';
import type { Role } from '../../platform/db/schema';
import { AppError, WECOM_FIXES } from '../../platform/errors';
import { HttpUrl, Text } from '../../platform/schemas';
import { formatDateTime, postgresKnowsZone, TimeZone } from '../../platform/time';

type Status = 'ok' | 'warn' | 'error' | 'pending';
type Item = { key: string; status: Status; title: string; detail: string; fix: string };

/**
 * What the checklist adds up to: its worst row. A row still pending (never checked, a sync still running) keeps the
 * whole list from being "passed", as an error or a warning does.
 */
export function checklistSummary(items: { status: Status }[]): { status: Status; ok: number; pending: number; problems: number } {
  const count = (st: Status) => items.filter((i) => i.status === st).length;
  const status: Status = count('error') ? 'error' : count('warn') ? 'warn' : count('pending') || items.length === 0 ? 'pending' : 'ok';
  return { status, ok: count('ok'), pending: count('pending'), problems: count('error') + count('warn') };
}

const SYNC_STATUS: Record<string, [string, string]> = { running: ['进行中', 'running'], queued: ['排队中', 'queued'], done: ['已完成', 'done'], failed: ['失败', 'failed'] };
function syncDetail(run: { status: string; error: string | null; finished_at: Date | null }, at: (t: Date) => string): string {
  const [zh, en] = SYNC_STATUS[run.status] ?? [run.status, run.status];
  const when = run.finished_at ? ` ${at(run.finished_at)}` : '';
  return run.error ? `${zh}${when}：${run.error} / ${en}${when}: ${run.error}` : `${zh}${when} / ${en}${when}`;
}

export async function settingsRoutes(app: App, deps: {
  pool: pg.Pool; corps: CorpService; sync: SyncService; publicUrl: () => string;
  /** After the corp's time zone changed (the demo's simulator shows times in it too). */
  onTimezoneChanged?: (corpId: string, timezone: string) => Promise<void>;
}) {
  const { pool, corps } = deps;
  const callbackUrl = (corpId: string) => `${deps.publicUrl()}/wecom/callback/${corpId}`;

  /** The callback Token is a credential (with the AES key it forges WeCom's events): admins only, who set it. */
  const corpOut = async (corpId: string, role: Role) => {
    const c = await corps.require(corpId);
    return {
      id: c.id, name: c.name, agentId: c.agentId, apiBase: c.apiBase, secretSet: !!c.secret,
      callbackToken: role === 'admin' ? c.callbackToken : null, callbackTokenSet: !!c.callbackToken,
      callbackAesKeySet: !!c.callbackAesKey, callbackUrl: callbackUrl(c.id), isDemo: c.isDemo,
      oauthAppId: c.oauthAppId, oauthSecretSet: !!c.oauthSecret, oauthOpenBase: c.oauthOpenBase, oauthApiBase: c.oauthApiBase,
      // The page to enter in WeCom admin → the app → 聊天工具栏 (chat toolbar), and the app's 可信域名.
      sidebarUrl: `${deps.publicUrl()}/sidebar/${c.id}`, wecomWebBase: c.wecomWebBase, timezone: c.timezone,
    };
  };

  async function checklist(corpId: string, testNow: boolean): Promise<{ items: Item[]; summary: ReturnType<typeof checklistSummary> }> {
    if (testNow) {
      await corps.dropAccessToken(corpId);
      try {
        const client = await corps.client(corpId);
        await client.getFollowUserList();
        await corps.markTokenOk(corpId);
        await pool.query('UPDATE corps SET last_error_code = NULL, last_error_api = NULL, last_error_message = NULL, last_error_at = NULL WHERE id = $1', [corpId]);
      } catch (err) {
        if (err instanceof WecomError) await corps.recordApiError(corpId, err);
        else await pool.query(`UPDATE corps SET last_error_code = -2, last_error_api = 'network', last_error_message = $2, last_error_at = now() WHERE id = $1`, [corpId, String((err as Error).message)]);
      }
    }
    const { rows } = await pool.query<Row<'corps'>>('SELECT * FROM corps WHERE id = $1', [corpId]);
    const c = rows[0];
    const { rows: inbox } = await pool.query<{ failed: number; stuck: number }>(
      `SELECT count(*) FILTER (WHERE status = 'failed')::int AS failed, count(*) FILTER (WHERE status = 'pending' AND received_at < now() - interval '5 minutes')::int AS stuck FROM callback_inbox WHERE corp_id = $1`, [corpId]);
    const { rows: runs } = await pool.query<Cols<'sync_runs', 'status' | 'error' | 'finished_at'>>(`SELECT status, error, finished_at FROM sync_runs WHERE corp_id = $1 ORDER BY id DESC LIMIT 1`, [corpId]);
    const code: number | null = c.last_error_code;
    const at = (t: Date) => formatDateTime(new Date(t), c.timezone);
    const items: Item[] = [];

    const tokenFailed = code != null && [40001, 40013, 40014, 42001, 40056, 41001, -2].includes(code);
    items.push({
      key: 'token', title: '获取 access_token / Access token',
      status: c.token_ok_at && !tokenFailed ? 'ok' : tokenFailed ? 'error' : 'pending',
      detail: tokenFailed ? `${c.last_error_api}: ${code} ${c.last_error_message}` : c.token_ok_at ? `最近成功 ${at(c.token_ok_at)} / last OK ${at(c.token_ok_at)}` : '尚未获取 / not fetched yet',
      fix: code === 40013 ? WECOM_FIXES.corpId : code === 40001 ? WECOM_FIXES.secret : code === -2 ? `${WECOM_FIXES.network} (${c.api_base})` : WECOM_FIXES.token,
    });
    items.push({
      key: 'trusted_ip', title: '企业可信IP / Trusted IP',
      status: code === 60020 ? 'error' : c.token_ok_at ? 'ok' : 'pending',
      detail: code === 60020 ? `60020 not allow to access from your ip (${c.last_error_api})` : '未发现 60020 错误 / no 60020 error seen',
      fix: WECOM_FIXES.trustedIp,
    });
    items.push({
      key: 'app_permission', title: '客户联系权限 / Customer-contact permission',
      status: code === 48002 || code === 48009 ? 'error' : c.token_ok_at ? 'ok' : 'pending',
      detail: code === 48002 || code === 48009 ? `${code} api forbidden (${c.last_error_api})` : '客户联系接口可调用 / customer-contact APIs callable',
      fix: WECOM_FIXES.appPermission,
    });
    items.push({
      key: 'callback', title: '回调URL验证 / Callback URL verified',
      status: c.callback_verified_at ? 'ok' : c.last_callback_at ? 'ok' : 'warn',
      detail: c.callback_verified_at ? `已验证 ${at(c.callback_verified_at)} / verified ${at(c.callback_verified_at)}` : c.last_callback_at ? '已收到事件 / events received' : '尚未收到企业微信的验证请求 / WeCom has not verified the URL yet',
      fix: `在自建应用「接收消息 → 设置API接收」填写 URL ${callbackUrl(corpId)}，Token 与 EncodingAESKey 与此处一致，并开启客户联系回调。 / Set the app's callback URL to ${callbackUrl(corpId)} with the same Token and EncodingAESKey, and enable customer-contact events.`,
    });
    items.push({
      key: 'events', title: '回调事件 / Callback events',
      status: inbox[0].failed > 0 || inbox[0].stuck > 0 ? 'warn' : c.last_callback_at ? 'ok' : 'pending',
      detail: `${inbox[0].failed} 个处理失败，${inbox[0].stuck} 个积压${c.last_callback_at ? `；最近事件 ${at(c.last_callback_at)}` : ''} / `
        + `${inbox[0].failed} failed, ${inbox[0].stuck} backlog${c.last_callback_at ? `; last event ${at(c.last_callback_at)}` : ''}`,
      fix: '确认 worker 进程在运行（pond worker 或 pond start）。 / Make sure a worker is running (pond worker or pond start).',
    });
    const run = runs[0];
    items.push({
      key: 'sync', title: '全量同步 / Full sync',
      status: !run ? 'pending' : run.status === 'done' ? 'ok' : run.status === 'failed' ? 'error' : run.error ? 'warn' : 'pending',
      detail: !run ? '尚未同步 / never synced' : syncDetail(run, at),
      fix: '在下方点「全量同步」。 / Press Full sync below.',
    });
    return { items, summary: checklistSummary(items) };
  }

  app.get('/api/settings/corp', { config: access(['operator']), schema: { tags: ['settings'], summary: "The corp's WeCom connection (the callback Token for admins only)" } }, async (req) => corpOut(req.principal!.corpId, req.principal!.role));

  app.put('/api/settings/corp', {
    config: { ...access(ADMIN_ONLY), audit: { action: 'corp_settings.update' } }, schema: {
      tags: ['settings'],
      body: z.object({
        name: z.string().trim().min(1).max(60).optional(),
        agentId: z.string().regex(/^\d+$/, 'must be the numeric AgentId').optional(),
        secret: Text(128).min(8, "must be the self-built app's Secret").optional(),
        callbackToken: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1–32 letters or digits').optional(),
        callbackAesKey: z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be 43 letters or digits').optional(),
        apiBase: HttpUrl().optional(),
        oauthAppId: z.string().regex(/^wx[0-9a-zA-Z]{8,30}$/, 'must be the 公众号 AppID (wx…)').nullish(),
        oauthSecret: Text(128).min(16, 'must be the 公众号 AppSecret').nullish(),
        oauthOpenBase: HttpUrl().nullish(),
        oauthApiBase: HttpUrl().nullish(),
        wecomWebBase: HttpUrl().nullish(),
        timezone: TimeZone.optional(),
      }),
    },
  }, async (req) => {
    const corpId = req.principal!.corpId;
    const { timezone } = req.body;
    if (timezone !== undefined && !(await postgresKnowsZone(pool, timezone))) throw AppError.validation('timezone', `the database does not know the time zone ${timezone}`);
    corps.checkBases(req.body);
    const before = (await corps.require(corpId)).timezone;
    await corps.update(corpId, req.body);
    if (timezone !== undefined && timezone !== before) await deps.onTimezoneChanged?.(corpId, timezone);
    return corpOut(corpId, req.principal!.role);
  });

  app.get('/api/settings/checklist', { config: access(['operator']), schema: { tags: ['settings'] } }, async (req) => checklist(req.principal!.corpId, false));
  app.post('/api/settings/checklist/run', { config: { ...access(['operator']), audit: false }, schema: { tags: ['settings'] } }, async (req) => checklist(req.principal!.corpId, true));

  app.get('/api/sync/runs', { config: access(['operator']), schema: { tags: ['settings'] } }, async (req) => ({ items: await deps.sync.list(req.principal!.corpId) }));
  app.post('/api/sync/runs', {
    config: access(['operator']), schema: { tags: ['settings'], body: z.object({ kind: z.enum(['full', 'reconcile']).default('full') }) },
  }, async (req) => deps.sync.start(req.principal!.corpId, req.body.kind, req.principal!.name));
}
