// First-start setup: the POND_API_TOKEN bootstrap token, the corp from WECOM_* variables, and in demo
// mode a demo corp on the simulator (staff, customers, groups, tags) followed by a full sync. On the very
// first start the `admin` account is created as platform owner, its password returned once for the
// terminal. Later starts never add anyone to a corp: a corp configured later gets its first admin from
// the CLI (the terminal says how).
import { randomBytes } from 'node:crypto';
import { ScriptService } from './modules/scripts';
import { webhookPath } from './modules/commerce';
import type { PondApp } from './app';
import { hashPassword } from './platform/auth';
import type { Cols } from './platform/db/rows';

export const DEMO_CORP_ID = 'wwpond0demo000001';

const alnum = (n: number) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(n), (b) => chars[b % chars.length]).join('');
};

/** Demo stores: the simulator's store departments, placed in Shanghai. */
const DEMO_STORE_COORDS: Record<string, { city: string; address: string; lat: number; lng: number }> = {
  静安店: { city: '上海', address: '静安区南京西路1266号', lat: 31.2292, lng: 121.4510 },
  徐汇店: { city: '上海', address: '徐汇区淮海中路999号', lat: 31.2056, lng: 121.4370 },
};

export interface BootstrapResult {
  admin?: { username: string; password: string };
  demoCorpId?: string;
  /** Corps nobody can administer yet (configured after the first start): the terminal tells how to add an admin. */
  corpsWithoutAdmin: string[];
  /** No account is platform owner (an install from before owners existed). */
  noOwner: boolean;
}
export interface BootstrapOptions {
  /** The demo shop's order history (default on; tests about orders start from none). */
  demoOrders?: boolean;
}

/**
 * `baseUrl` is where WeCom (the simulator, in demo mode) reaches Pond and Pond the simulator: PUBLIC_URL,
 * shared by every API process behind one address, else loopback. `browserUrl` is what people's browsers
 * use (OAuth pages, the JS-SDK, the sidebar page), so that the simulator's cookies (who the phone's or
 * the WeCom client's user is) are on the same host as Pond's pages. An advisory lock keeps concurrent
 * first starts from seeding twice.
 */
export async function bootstrap(app: PondApp, baseUrl: string, browserUrl = baseUrl, opts: BootstrapOptions = {}): Promise<BootstrapResult> {
  const lock = await app.pool.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(8410222)');
    return await bootstrapLocked(app, baseUrl, browserUrl, opts);
  } finally {
    await lock.query('SELECT pg_advisory_unlock(8410222)').catch(() => undefined);
    lock.release();
  }
}

async function bootstrapLocked(app: PondApp, baseUrl: string, browserUrl: string, opts: BootstrapOptions): Promise<BootstrapResult> {
  const { config, pool, corps, auth, log } = app;
  const out: BootstrapResult = { corpsWithoutAdmin: [], noOwner: false };
  if (config.apiToken) {
    await auth.createToken({ corpId: null, name: 'POND_API_TOKEN', role: 'admin', token: config.apiToken });
  }
  if (config.wecom) {
    const w = config.wecom;
    const cur = await corps.get(w.corpId);
    if (!cur || cur.secret !== w.secret || cur.agentId !== w.agentId || cur.callbackToken !== w.callbackToken || cur.callbackAesKey !== w.callbackAesKey || cur.apiBase !== w.apiBase) {
      await corps.upsert({ id: w.corpId, name: cur?.name ?? w.corpId, agentId: w.agentId, secret: w.secret, callbackToken: w.callbackToken, callbackAesKey: w.callbackAesKey, apiBase: w.apiBase });
      if (!cur) await app.sync.start(w.corpId, 'full', 'first start');
    }
  }
  if (app.sim) out.demoCorpId = await ensureDemoCorp(app, baseUrl, browserUrl, opts);

  const { rows: users } = await pool.query('SELECT count(*)::int AS n FROM users');
  if (users[0].n === 0) {
    const password = alnum(14);
    const { rows } = await pool.query(
      `INSERT INTO users (username, password_hash, display_name, is_owner) VALUES ('admin', $1, '管理员 Admin', true) RETURNING id`, [await hashPassword(password)]);
    // The first account, before anyone else exists: admin of the corps this start configured.
    await pool.query(`INSERT INTO memberships (user_id, corp_id, role) SELECT $1, id, 'admin' FROM corps ON CONFLICT DO NOTHING`, [rows[0].id]);
    out.admin = { username: 'admin', password };
  }
  const { rows: orphans } = await pool.query<Cols<'corps', 'id'>>(
    `SELECT c.id FROM corps c WHERE NOT EXISTS (
       SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.corp_id = c.id AND m.role = 'admin' AND m.status = 'active' AND m.disabled_at IS NULL AND u.disabled_at IS NULL)
     ORDER BY c.created_at`);
  out.corpsWithoutAdmin = orphans.map((r) => r.id);
  out.noOwner = (await pool.query('SELECT 1 FROM users WHERE is_owner AND disabled_at IS NULL LIMIT 1')).rowCount === 0;
  log.debug('bootstrap done');
  return out;
}

async function ensureDemoCorp(app: PondApp, baseUrl: string, browserUrl: string, opts: BootstrapOptions): Promise<string> {
  const { corps, sim } = app;
  const existing = await corps.get(DEMO_CORP_ID);
  const apiBase = `${baseUrl}/sim`;
  // The simulator is this process's: its addresses are WeCom's in the demo.
  corps.origins.allowSimulator(apiBase);
  corps.origins.allowSimulator(`${browserUrl}/sim`);
  const callbackUrl = `${baseUrl}/wecom/callback/${DEMO_CORP_ID}`;
  const corp = existing
    ? existing.apiBase === apiBase ? existing : await corps.update(DEMO_CORP_ID, { apiBase })
    : await corps.upsert({
        id: DEMO_CORP_ID, name: '鱼塘演示企业 Pond Demo', agentId: '1000002', secret: alnum(43),
        callbackToken: alnum(16), callbackAesKey: alnum(43), apiBase, isDemo: true,
      });
  // The simulator's shop posts paid orders to Pond's order webhook (the token is the corp's secret).
  await sim!.control.upsertCorp({
    corpId: corp.id, name: corp.name, secret: corp.secret, agentId: Number(corp.agentId), token: corp.callbackToken,
    encodingAesKey: corp.callbackAesKey, callbackUrl, sidebarUrl: `${browserUrl}/sidebar/${corp.id}`,
    orderWebhookUrl: `${baseUrl}${webhookPath(corp.id, corp.orderWebhookToken)}`, timezone: corp.timezone,
  });
  // The demo's 公众号 for WeChat web OAuth lives in the simulator too: landing pages take the production path.
  const oauthBase = `${browserUrl}/sim/wx`;
  const oauthApiBase = `${baseUrl}/sim/wx`;
  if (!corp.oauthAppId || corp.oauthOpenBase !== oauthBase || corp.oauthApiBase !== oauthApiBase) {
    const appid = corp.oauthAppId ?? 'wxpond0demo0000001';
    const secret = corp.oauthSecret ?? alnum(32);
    await corps.update(corp.id, { oauthAppId: appid, oauthSecret: secret, oauthOpenBase: oauthBase, oauthApiBase });
  }
  // Members open the chat sidebar from the simulator's mock WeCom client: its OAuth and JS-SDK live there too.
  const webBase = `${browserUrl}/sim`;
  if (corp.wecomWebBase !== webBase) await corps.update(corp.id, { wecomWebBase: webBase });
  const withOauth = (await corps.get(corp.id))!;
  await sim!.control.registerOauthApp(withOauth.oauthAppId!, withOauth.oauthSecret!);
  // Red packets and cash-back in the demo are paid by the simulator's WeChat Pay (商家转账到零钱) to the phone's 零钱.
  await app.rewardSettings.ensureDemoMerchant(corp.id, `${baseUrl}/sim/pay`, withOauth.oauthAppId!, (mchid, key) => sim!.control.registerPayMerchant(mchid, key));
  // The chat archive in the demo: the simulator's archive interface stands in for the Finance SDK sidecar.
  await app.archive.settings.ensureDemoArchive(corp.id, `${baseUrl}/sim/msgaudit`, (version, publicKey) => sim!.control.setArchiveKey(corp.id, version, publicKey));
  if (!existing) await seedDemoCorp(app, corp.id);
  // Both once (a demo set up before they existed gets them on its next start).
  await seedDemoWelcome(app, corp.id, browserUrl);
  if (opts.demoOrders !== false) {
    const orders = await sim!.control.seedDemoOrders(corp.id);
    if (orders.failed) app.log.warn({ failed: orders.failed }, 'demo orders: the order webhook refused some; they are posted again on the next start');
    // The staff stats and group health of the demo's last 30 days, once (the worker computes them in the background).
    const { rows: runs } = await app.pool.query('SELECT 1 FROM staff_stats_runs WHERE corp_id = $1 LIMIT 1', [corp.id]);
    if (!runs.length) await app.staffStats.backfill(corp.id, 30, 'demo');
  }
  return corp.id;
}

/** The simulator's demo corp (staff, customers, groups, tags), its stores and scripts, synced into Pond. */
async function seedDemoCorp(app: PondApp, corpId: string): Promise<void> {
  const { corps, pool, sim } = app;
  const corp = (await corps.get(corpId))!;
  await sim!.control.seedDemo({ corpId: corp.id });
  const client = await corps.client(corp.id);
  for (const d of (await client.departmentList()).department ?? []) {
    const place = DEMO_STORE_COORDS[d.name ?? ''];
    if (!place) continue;
    await pool.query(
      `INSERT INTO stores (corp_id, name, code, department_id, city, address, lat, lng) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
       ON CONFLICT (corp_id, department_id) DO NOTHING`,
      [corp.id, d.name, `S${d.id}`, d.id, place.city, place.address, place.lat, place.lng]);
  }
  await seedDemoScripts(app, corp.id);
  const run = await app.sync.start(corp.id, 'full', 'demo setup');
  await app.sync.execute(run.id);
  await sim!.control.verifyCallbackUrl(corp.id).catch(() => undefined);
}

/**
 * The corp's default welcome message, so that a customer who adds a member through any live code gets one
 * (the README's tour). Only while the corp has no welcome template at all: one the admin archived stays archived.
 */
async function seedDemoWelcome(app: PondApp, corpId: string, browserUrl: string): Promise<void> {
  const { rows } = await app.pool.query('SELECT 1 FROM welcome_templates WHERE corp_id = $1 LIMIT 1', [corpId]);
  if (rows.length) return;
  await app.welcome.create(corpId, {
    name: '默认欢迎语 Default welcome',
    scope: 'default',
    text: '{nickname}您好！欢迎来到鱼塘咖啡，我是您的专属顾问{staff}。新朋友首单立减 5 元，会员每周三第二杯半价；想喝点什么、门店有什么活动，随时问我～',
    attachments: [{
      msgtype: 'link',
      link: { title: '领取新人券 · 首单立减 5 元', desc: '点开下单，付款时自动抵扣', url: `${browserUrl}/sim/phone#pay` },
    }],
  });
}

/** A few scripts (话术) so the demo's chat sidebar has something to send. */
async function seedDemoScripts(app: PondApp, corpId: string): Promise<void> {
  const scripts = new ScriptService(app.pool);
  const folders = [
    { name: '欢迎与介绍 Welcome', items: [
      ['新客问候', '{nickname}您好，我是{staff}，您的专属顾问。门店活动、会员福利和新品都会第一时间告诉您，有任何问题随时找我～'],
      ['会员权益', '{nickname}，会员每周三享第二杯半价，生日当月送一杯任意饮品；在小程序绑定手机号即可领取。'],
    ] },
    { name: '售后 After-sales', items: [
      ['查询物流', '{nickname}您好，订单发货后可在小程序「我的订单」里查看物流信息，若 48 小时未更新请告诉我，我来帮您催。'],
      ['退换说明', '饮品和食品售出后不支持退换；如有品质问题，请拍照发给我，{staff}会在 24 小时内为您处理。'],
    ] },
  ] as const;
  for (const f of folders) {
    const folder = await scripts.createFolder(corpId, { name: f.name });
    for (const [title, content] of f.items) await scripts.create(corpId, { folderId: folder.id, title, content }, 'demo');
  }
}
