// Corp connection settings and the setup checklist: the WeCom mistakes users hit most (token fails,
// callback never verified, trusted IP 60020, a secret from the wrong app 48002/48009), each with its fix.
import type pg from 'pg';
import type { z } from 'zod';
import { WecomError } from '@pond/wecom';
import type { CheckItem, CheckStatus, Checklist, CheckSummary, CorpSettings, CorpSettingsBody } from '@pond/contracts/settings';
import type { CorpService } from '../org';
import type { Role } from '../../platform/db/schema';
import { AppError, WECOM_FIXES } from '../../platform/errors';
import { formatDateTime, postgresKnowsZone } from '../../platform/time';
import { clearLastError, connectionState, inboxHealth, lastSyncRun, recordNetworkError, type LastSyncRun } from './repo';

/**
 * What the checklist adds up to: its worst row. A row still pending (never checked, a sync still running) keeps the
 * whole list from being "passed", as an error or a warning does.
 */
export function checklistSummary(items: { status: CheckStatus }[]): CheckSummary {
  const count = (st: CheckStatus) => items.filter((i) => i.status === st).length;
  const status: CheckStatus = count('error') ? 'error' : count('warn') ? 'warn' : count('pending') || items.length === 0 ? 'pending' : 'ok';
  return { status, ok: count('ok'), pending: count('pending'), problems: count('error') + count('warn') };
}

const SYNC_STATUS: Record<string, [string, string]> = { running: ['进行中', 'running'], queued: ['排队中', 'queued'], done: ['已完成', 'done'], failed: ['失败', 'failed'] };
function syncDetail(run: LastSyncRun, at: (t: Date) => string): string {
  const [zh, en] = SYNC_STATUS[run.status] ?? [run.status, run.status];
  const when = run.finished_at ? ` ${at(run.finished_at)}` : '';
  return run.error ? `${zh}${when}：${run.error} / ${en}${when}: ${run.error}` : `${zh}${when} / ${en}${when}`;
}

/** WeCom's answers that mean the token could not be had (wrong corpid or secret, expired, network). */
const TOKEN_ERRCODES = [40001, 40013, 40014, 42001, 40056, 41001, -2];

export class SettingsService {
  constructor(private deps: {
    pool: pg.Pool; corps: CorpService; publicUrl: () => string;
    /** After the corp's time zone changed (the demo's simulator shows times in it too). */
    onTimezoneChanged?: (corpId: string, timezone: string) => Promise<void>;
  }) {}

  private callbackUrl(corpId: string) {
    return `${this.deps.publicUrl()}/wecom/callback/${corpId}`;
  }

  /** The corp's connection. The callback Token is a credential (with the AES key it forges WeCom's events): admins only, who set it. */
  async corp(corpId: string, role: Role): Promise<z.output<typeof CorpSettings>> {
    const c = await this.deps.corps.require(corpId);
    return {
      id: c.id, name: c.name, agentId: c.agentId, apiBase: c.apiBase, secretSet: !!c.secret,
      callbackToken: role === 'admin' ? c.callbackToken : null, callbackTokenSet: !!c.callbackToken,
      callbackAesKeySet: !!c.callbackAesKey, callbackUrl: this.callbackUrl(c.id), isDemo: c.isDemo,
      oauthAppId: c.oauthAppId, oauthSecretSet: !!c.oauthSecret, oauthOpenBase: c.oauthOpenBase, oauthApiBase: c.oauthApiBase,
      // The page to enter in WeCom admin → the app → 聊天工具栏 (chat toolbar), and the app's 可信域名.
      sidebarUrl: `${this.deps.publicUrl()}/sidebar/${c.id}`, wecomWebBase: c.wecomWebBase, timezone: c.timezone,
    };
  }

  async updateCorp(corpId: string, role: Role, body: z.output<typeof CorpSettingsBody>): Promise<z.output<typeof CorpSettings>> {
    const { corps } = this.deps;
    const { timezone } = body;
    if (timezone !== undefined && !(await postgresKnowsZone(this.deps.pool, timezone))) throw AppError.validation('timezone', `the database does not know the time zone ${timezone}`);
    corps.checkBases(body);
    const before = (await corps.require(corpId)).timezone;
    await corps.update(corpId, body);
    if (timezone !== undefined && timezone !== before) await this.deps.onTimezoneChanged?.(corpId, timezone);
    return this.corp(corpId, role);
  }

  /** The checklist from what Pond has seen; with `testNow`, after fetching a new access token and calling WeCom once. */
  async checklist(corpId: string, testNow: boolean): Promise<z.output<typeof Checklist>> {
    const { pool, corps } = this.deps;
    if (testNow) {
      await corps.dropAccessToken(corpId);
      try {
        const client = await corps.client(corpId);
        await client.getFollowUserList();
        await corps.markTokenOk(corpId);
        await clearLastError(pool, corpId);
      } catch (err) {
        if (err instanceof WecomError) await corps.recordApiError(corpId, err);
        else await recordNetworkError(pool, corpId, String((err as Error).message));
      }
    }
    const [c, inbox, run] = await Promise.all([connectionState(pool, corpId), inboxHealth(pool, corpId), lastSyncRun(pool, corpId)]);
    if (!c) throw AppError.notFound(`corp ${corpId}`);
    const code = c.last_error_code;
    const at = (t: Date) => formatDateTime(new Date(t), c.timezone);
    const callbackUrl = this.callbackUrl(corpId);
    const items: CheckItem[] = [];

    const tokenFailed = code != null && TOKEN_ERRCODES.includes(code);
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
      fix: `在自建应用「接收消息 → 设置API接收」填写 URL ${callbackUrl}，Token 与 EncodingAESKey 与此处一致，并开启客户联系回调。 / Set the app's callback URL to ${callbackUrl} with the same Token and EncodingAESKey, and enable customer-contact events.`,
    });
    items.push({
      key: 'events', title: '回调事件 / Callback events',
      status: inbox.failed > 0 || inbox.stuck > 0 ? 'warn' : c.last_callback_at ? 'ok' : 'pending',
      detail: `${inbox.failed} 个处理失败，${inbox.stuck} 个积压${c.last_callback_at ? `；最近事件 ${at(c.last_callback_at)}` : ''} / `
        + `${inbox.failed} failed, ${inbox.stuck} backlog${c.last_callback_at ? `; last event ${at(c.last_callback_at)}` : ''}`,
      fix: '确认 worker 进程在运行（pond worker 或 pond start）。 / Make sure a worker is running (pond worker or pond start).',
    });
    items.push({
      key: 'sync', title: '全量同步 / Full sync',
      status: !run ? 'pending' : run.status === 'done' ? 'ok' : run.status === 'failed' ? 'error' : run.error ? 'warn' : 'pending',
      detail: !run ? '尚未同步 / never synced' : syncDetail(run, at),
      fix: '在下方点「全量同步」。 / Press Full sync below.',
    });
    return { items, summary: checklistSummary(items) };
  }
}
