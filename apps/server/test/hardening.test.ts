// Trust hardening: security headers per kind of page, whose X-Forwarded-For is believed, a simulator
// control API that never hands out credentials, and caps that only people consume (not crawlers, link
// previews or cookie-less repeats).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl } from '@pond/wecom-sim';
import { createHttp } from '../src/platform/http';
import { loadConfig, type TrustProxy } from '../src/config';
import { startTestPond, waitFor, type TestPond } from './helpers';
import { access, ADMIN_ONLY, publicRoute } from '../src/platform/access';

let pond: TestPond;
let sim: SimControl;
let staff: string[];

beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  const { rows } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid`, [pond.corpId]);
  staff = rows.map((r) => r.userid);
});
afterAll(async () => { await pond?.close(); });

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${pond.baseUrl}${path}`, { headers, redirect: 'manual' });
const directive = (csp: string | null, name: string) => csp?.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `))?.slice(name.length + 1) ?? null;

describe('security headers', () => {
  it('the console and the API: nosniff, no framing, scripts from the same origin only', async () => {
    for (const path of ['/', '/customers', '/api/me', '/healthz', '/docs']) {
      const res = await get(path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(directive(res.headers.get('content-security-policy'), 'frame-ancestors'), path).toBe("'none'");
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
    }
    const console = await get('/');
    const csp = console.headers.get('content-security-policy');
    expect(directive(csp, 'script-src')).toBe("'self'");
    expect(directive(csp, 'connect-src')).toBe("'self'");
    expect(directive(await get('/api/me').then((r) => r.headers.get('content-security-policy')), 'default-src')).toBe("'none'");
  });

  it('customer pages run only the inline script and style they declare (by hash), and are not DENY-framed', async () => {
    const router = await pond.api('POST', '/api/live-codes', { kind: 'store', name: '附近门店 headers' });
    expect(router.status, JSON.stringify(router.body)).toBe(200);
    const res = await get(new URL(router.body.url).pathname, { 'user-agent': 'Mozilla/5.0 (iPhone) Mobile Safari' });
    expect(res.status).toBe(200);
    const html = await res.text();
    const csp = res.headers.get('content-security-policy');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBeNull();
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    expect(directive(csp, 'script-src')!.split(' ')).toContain(hash(scripts[0]));
    expect(directive(csp, 'style-src')!.split(' ')).toContain(hash(styles[0]));
    expect(directive(csp, 'script-src')).not.toContain('unsafe-inline');
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers: CSP would block them
  });

  it('the chat sidebar stays embeddable by WeCom’s client (and the simulator’s), with no inline script', async () => {
    const res = await get(`/sidebar/${pond.corpId}`);
    const csp = res.headers.get('content-security-policy');
    expect(res.headers.get('x-frame-options')).toBeNull();
    const ancestors = directive(csp, 'frame-ancestors')!.split(' ');
    expect(ancestors).toEqual(expect.arrayContaining(["'self'", 'https://*.qq.com', new URL(pond.baseUrl).origin]));
    expect(directive(csp, 'script-src')).not.toContain('unsafe-inline');
    const unknown = await get('/sidebar/nosuchcorp');
    expect(directive(unknown.headers.get('content-security-policy'), 'frame-ancestors')).toContain('https://*.qq.com');
  });

  it('the simulator’s pages get headers that keep them working (same-origin framing, inline scripts)', async () => {
    const res = await get('/sim/phone');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(directive(csp, 'frame-ancestors')).toBe("'self'");
    expect(directive(csp, 'script-src')).toContain("'unsafe-inline'");
  });

  it('HSTS only when PUBLIC_URL is https', async () => {
    const https = await createHttp({ log: pond.app.log, auth: pond.app.auth, pool: pond.app.pool, publicUrl: 'https://pond.example.com' });
    https.get('/api/ping', { config: publicRoute('a test route') }, async () => ({ ok: true }));
    const res = await https.inject({ method: 'GET', url: '/api/ping' });
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    await https.close();
  });
});

describe('TRUST_PROXY', () => {
  async function auditIp(trustProxy: TrustProxy | undefined, xff: string): Promise<string> {
    const http = await createHttp({ log: pond.app.log, auth: pond.app.auth, pool: pond.app.pool, publicUrl: pond.baseUrl, trustProxy });
    const marker = `proxy-${Math.random().toString(36).slice(2)}`;
    http.post(`/api/${marker}`, { config: access(ADMIN_ONLY) }, async () => ({ ok: true }));
    const addr = await http.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`${addr}/api/${marker}`, { method: 'POST', headers: { authorization: `Bearer ${pond.token}`, 'x-forwarded-for': xff } });
      expect(res.status).toBe(200);
      const row = await waitFor(async () => (await pond.app.pool.query(`SELECT ip FROM audit_log WHERE route = $1`, [`POST /api/${marker}`])).rows[0]);
      return row.ip;
    } finally {
      await http.close();
    }
  }

  it('is off by default with WeCom configured, on for loopback in demo, and reads every form', () => {
    const wecom = { WECOM_CORP_ID: 'ww1234567890', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 'secret-secret', WECOM_CALLBACK_TOKEN: 'tok', WECOM_CALLBACK_AES_KEY: 'a'.repeat(43) };
    expect(loadConfig(wecom).trustProxy).toBe(false);
    expect(loadConfig({}).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ ...wecom, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 172.16.0.0/12,loopback,::1' }).trustProxy).toEqual(['10.0.0.1', '172.16.0.0/12', 'loopback', '::1']);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.300' })).toThrow(/TRUST_PROXY: "10.0.0.300" is not an address or CIDR/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
  });

  it('off: X-Forwarded-For cannot forge the audit IP', async () => {
    expect(await auditIp(false, '203.0.113.9')).toBe('127.0.0.1');
    expect(await auditIp(undefined, '203.0.113.9')).toBe('127.0.0.1');
    // A listed proxy that is not the peer is not believed either.
    expect(await auditIp(['10.9.9.9'], '203.0.113.9')).toBe('127.0.0.1');
  });

  it('on: the address the trusted proxy reports is recorded', async () => {
    expect(await auditIp(['127.0.0.1'], '203.0.113.9')).toBe('203.0.113.9');
    expect(await auditIp(['loopback'], '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
    // One hop: the client as seen by the one proxy in front, not what the client claims before it.
    expect(await auditIp(1, '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(await auditIp(true, '198.51.100.1, 203.0.113.9')).toBe('198.51.100.1');
  });

  it('the defaults: believed from loopback in demo, from nobody with WeCom configured', async () => {
    const wecom = { WECOM_CORP_ID: 'ww1234567890', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 'secret-secret', WECOM_CALLBACK_TOKEN: 'tok', WECOM_CALLBACK_AES_KEY: 'a'.repeat(43) };
    expect(await auditIp(loadConfig({}).trustProxy, '203.0.113.9')).toBe('203.0.113.9');
    expect(await auditIp(loadConfig(wecom).trustProxy, '203.0.113.9')).toBe('127.0.0.1');
  });
});

describe('the simulator’s control API', () => {
  it('never returns the corp secret, callback token, AES key, webhook token or JS-SDK tickets', async () => {
    const corp = (await pond.app.corps.get(pond.corpId))!;
    const { rows: [{ order_webhook_token: webhookToken }] } = await pond.app.pool.query('SELECT order_webhook_token FROM corps WHERE id = $1', [pond.corpId]);
    // A ticket exists to leak: one issued the way the sidebar gets it.
    await (await pond.app.corps.client(pond.corpId)).agentConfigSignature(`${pond.baseUrl}/sidebar/${pond.corpId}`);
    const tickets = (await sim.listJsapiTickets(pond.corpId)).map((t) => t.ticket);
    const secrets = [corp.secret, corp.callbackToken, corp.callbackAesKey, webhookToken, ...tickets];
    expect(secrets.every((s) => typeof s === 'string' && s.length >= 8)).toBe(true);
    const bodies: string[] = [];
    for (const path of ['/corps', `/corps/${pond.corpId}`, `/corps/${pond.corpId}/jsapi-tickets`, `/corps/${pond.corpId}/state`]) {
      const res = await get(`/sim/control${path}`);
      expect(res.status, path).toBe(200);
      bodies.push(await res.text());
    }
    const post = await fetch(`${pond.baseUrl}/sim/control/corps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ corpId: pond.corpId, name: corp.name }) });
    expect(post.status).toBe(200);
    bodies.push(await post.text());
    const sidebar = await fetch(`${pond.baseUrl}/sim/control/corps/${pond.corpId}/sidebar-url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `${pond.baseUrl}/sidebar/${pond.corpId}` }) });
    bodies.push(await sidebar.text());
    for (const body of bodies) for (const s of secrets) expect(body).not.toContain(s);
    // Still useful: the corp, its URLs, with the webhook's token masked.
    const listed = JSON.parse(bodies[1]);
    expect(listed).toMatchObject({ corpId: pond.corpId, callbackUrl: expect.stringContaining('/wecom/callback/') });
    expect(listed.orderWebhookUrl).toMatch(/\/webhooks\/orders\/[^/]+\/\*\*\*$/);
    // In process, Pond still has them (the demo's bootstrap and shop use these).
    expect((await sim.getCorp(pond.corpId))!.secret).toBe(corp.secret);
  });
});

describe('caps count people, not fetches', () => {
  let code: any;
  const counted = async () => {
    await pond.app.codes.flushCounters();
    const { rows } = await pond.app.pool.query(
      `SELECT s.userid, s.assigned_total AS total, coalesce(sum(d.assigned), 0)::int AS today FROM live_code_staff s
       LEFT JOIN live_code_staff_daily d ON d.code_id = s.code_id AND d.userid = s.userid WHERE s.code_id = $1 GROUP BY 1, 2 ORDER BY 1`, [code.id]);
    return Object.fromEntries(rows.map((r) => [r.userid, { today: r.today, total: r.total }]));
  };

  beforeAll(async () => {
    const res = await pond.api('POST', '/api/live-codes', {
      kind: 'staff', name: '朋友圈海报', channel: 'moments', pool: [{ userid: staff[0], dailyCap: 15 }, { userid: staff[1], dailyCap: 15 }], backupUserids: [staff[2]],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    code = res.body;
  });

  it('30 cookie-less fetches, link previews, crawlers and HEADs leave every cap untouched', async () => {
    const path = new URL(code.url).pathname;
    const browser = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1';
    const shown = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const res = await get(path, { 'user-agent': browser });
      expect(res.status).toBe(200);
      const html = await res.text();
      for (const m of html.matchAll(/\/sim\/qr\/contact\/([A-Za-z0-9]+)/g)) shown.add(m[1]);
    }
    // The rotation still turns for them (both members were shown), but nothing is counted.
    expect(shown.size).toBe(2);
    const bots = ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'facebookexternalhit/1.1', 'TelegramBot (like TwitterBot)',
      'Mozilla/5.0 (compatible; Bytespider; spider-feedback@bytedance.com)', 'WhatsApp/2.23.20 A', 'curl/8.5.0', ''];
    for (const ua of bots) {
      const res = await get(path, { 'user-agent': ua });
      expect(res.status, ua).toBe(200);
      const html = await res.text();
      expect(html, ua).not.toContain('/sim/qr/contact/');
      expect(html).toContain(code.name);
      expect(res.headers.get('set-cookie'), ua).toBeNull();
    }
    const head = await fetch(code.url, { method: 'HEAD', headers: { 'user-agent': browser } });
    expect(head.status).toBe(200);
    const { rows: [v] } = await pond.app.pool.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE visitor_kind = 'cookie')::int AS cookie FROM code_visits WHERE code_id = $1`, [code.id]);
    expect(v).toEqual({ n: 30, cookie: 30 }); // bots and HEADs leave no visit either
    expect(await counted()).toEqual({ [staff[0]]: { today: 0, total: 0 }, [staff[1]]: { today: 0, total: 0 } });
  });

  it('a WeChat user shown a staff member counts at once; a cookie visitor counts when they add', async () => {
    const u = await sim.createWechatUser({ nickname: '真人扫码' });
    const scan = await sim.scan(u.id, code.url);
    expect(scan.kind).toBe('contact');
    if (scan.kind !== 'contact') return;
    // Not the backup: the 30 fetches above consumed nothing.
    expect([staff[0], staff[1]]).toContain(scan.result.userid);
    const { rows: [visit] } = await pond.app.pool.query(`SELECT reason, visitor_kind FROM code_visits WHERE code_id = $1 AND visitor_kind <> 'cookie' ORDER BY id DESC LIMIT 1`, [code.id]);
    expect(visit).toEqual({ reason: 'strategy', visitor_kind: 'unionid' }); // WeChat OAuth (the demo's 公众号)
    const afterScan = await counted();
    expect(afterScan[scan.result.userid].today).toBe(1);
    await sim.waitForCallbacks(10_000);
    await pond.app.inbox.drain();
    // The add of a visitor already counted on the scan is not counted again.
    await waitFor(async () => (await pond.app.pool.query('SELECT 1 FROM attributions WHERE corp_id = $1 AND external_userid = $2', [pond.corpId, scan.result.externalUserid])).rows[0]);
    expect((await counted())[scan.result.userid].today).toBe(1);

    // A browser known only by the cookie Pond just set: shown a member, counted once they add.
    const page = await (await get(new URL(code.url).pathname, { 'user-agent': 'Mozilla/5.0 (Android 14) Mobile Chrome' })).text();
    const qr = /(http[^"]*\/sim\/qr\/contact\/[A-Za-z0-9]+)/.exec(page)![1];
    const before = await counted();
    const u2 = await sim.createWechatUser({ nickname: '先看后加' });
    const add = await sim.scan(u2.id, qr);
    expect(add.kind).toBe('contact');
    if (add.kind !== 'contact') return;
    expect(await counted()).toEqual(before);
    await sim.waitForCallbacks(10_000);
    await pond.app.inbox.drain();
    const after = await waitFor(async () => {
      const c = await counted();
      return c[add.result.userid].today === before[add.result.userid].today + 1 ? c : null;
    }, { message: 'the add of a cookie visitor counts' });
    expect(after[add.result.userid].total).toBe(before[add.result.userid].total + 1);
    // Re-running the same add event changes nothing (the visit is taken).
    await pond.app.inbox.drain();
    expect(await counted()).toEqual(after);
  });
});
