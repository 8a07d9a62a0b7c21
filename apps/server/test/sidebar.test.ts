// The chat sidebar's server side through the simulator: WeCom OAuth sign-in (authorize → code →
// auth/getuserinfo), the agentConfig signature checked against the app ticket WeCom issued, the
// member's view of a customer (only their own), tag edits written to WeCom, and the polite failures.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
beforeAll(async () => { pond = await startTestPond(); });
afterAll(async () => { await pond?.close(); });

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** A tiny browser: follows redirects by hand and keeps cookies per host (Pond and the simulator share one here). */
class Browser {
  cookies = new Map<string, string>();
  async get(url: string, headers: Record<string, string> = {}) {
    const res = await fetch(url, { redirect: 'manual', headers: { ...headers, cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
  async json(path: string, method = 'GET', body?: unknown) {
    const res = await fetch(`${pond.baseUrl}${path}`, {
      method,
      // Like a browser: the page's own origin on every request it sends (writes are refused without it).
      headers: { 'x-pond-sidebar': '1', origin: pond.baseUrl, cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json() as any };
  }
}

async function signIn(userid: string): Promise<Browser> {
  const b = new Browser();
  const first = await b.get(`${pond.baseUrl}/sidebar/${pond.corpId}`);
  expect(first.status).toBe(302);
  const authorize = new URL(first.headers.get('location')!.split('#')[0]);
  expect(authorize.pathname).toBe('/sim/connect/oauth2/authorize');
  expect(authorize.searchParams.get('appid')).toBe(pond.corpId);
  expect(authorize.searchParams.get('agentid')).toBe('1000002');
  expect(authorize.searchParams.get('scope')).toBe('snsapi_base');
  authorize.searchParams.set('as', userid);
  const back = await b.get(authorize.toString());
  expect(back.status).toBe(302);
  const withCode = new URL(back.headers.get('location')!);
  expect(withCode.searchParams.get('code')).toBeTruthy();
  const done = await b.get(withCode.toString());
  expect(done.status, await done.clone().text()).toBe(303);
  expect(b.cookies.get('pond_sidebar')).toBeTruthy();
  return b;
}

async function someFollow() {
  const { rows: [f] } = await pond.app.pool.query(
    `SELECT f.userid, f.external_userid, c.name FROM follows f JOIN customers c USING (corp_id, external_userid)
     WHERE f.corp_id = $1 AND f.status = 'active'
     -- A customer several members follow, when there is one (the view of the others is checked).
     ORDER BY (SELECT count(*) FROM follows o WHERE o.corp_id = f.corp_id AND o.external_userid = f.external_userid AND o.status = 'active') > 1 DESC, f.external_userid
     LIMIT 1`, [pond.corpId]);
  return f as { userid: string; external_userid: string; name: string };
}

describe('sidebar', () => {
  it('signs a member in with WeCom OAuth and serves the page: boot data, the simulated client\'s JS bridge, the apps/h5 bundle', async () => {
    const f = await someFollow();
    const b = await signIn(f.userid);
    const page = await b.get(`${pond.baseUrl}/sidebar/${pond.corpId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    // The simulator stands in for the WeCom client's injected WeixinJSBridge; the real client needs no script.
    expect(html).toContain(`<script src="${pond.baseUrl}/sim/jssdk/bridge.js"></script>`);
    expect(html).not.toContain('jweixin');
    const boot = JSON.parse(/<script type="application\/json" id="pond-boot">(.*?)<\/script>/s.exec(html)![1]);
    // Times in the sidebar are the corp's; the JS-SDK registers the app with these APIs.
    expect(boot).toEqual({
      page: 'sidebar', corpId: pond.corpId, agentId: '1000002', timezone: 'Asia/Shanghai', me: { userid: f.userid, name: expect.any(String) }, taskId: null,
      jsApiList: ['getContext', 'getCurExternalContact', 'getCurExternalChat', 'sendChatMessage', 'openEnterpriseChat'],
    });
    // No inline script: the CSP allows scripts from this origin and the corp's WeCom web side only.
    expect(html).not.toMatch(/<script>/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self' https:\/\/\*\.qq\.com http:\/\/127\.0\.0\.1:\d+;/);
    const js = /<script type="module" src="(\/h5\/assets\/main-[\w-]+\.js)"><\/script>/.exec(html)![1];
    const css = /<link rel="stylesheet" href="(\/h5\/assets\/main-[\w-]+\.css)">/.exec(html)![1];
    const jsRes = await b.get(`${pond.baseUrl}${js}`);
    expect(jsRes.status).toBe(200);
    expect(jsRes.headers.get('content-type')).toContain('javascript');
    expect(jsRes.headers.get('cache-control')).toContain('immutable');
    // Built on the official SDK: it talks to the client through WeixinJSBridge.
    expect(await jsRes.text()).toContain('WeixinJSBridge');
    expect((await b.get(`${pond.baseUrl}${css}`)).headers.get('content-type')).toContain('text/css');
    expect((await b.get(`${pond.baseUrl}/h5/assets/nope.js`)).status).toBe(404);
    expect((await b.get(`${pond.baseUrl}/h5/assets/..%2F.vite%2Fmanifest.json`)).status).toBe(404);
  });

  it('the task page signs in the same way and shares the session; ?task= is passed to the page', async () => {
    const f = await someFollow();
    const b = new Browser();
    const first = await b.get(`${pond.baseUrl}/tasks/${pond.corpId}?task=42`);
    expect(first.status).toBe(302);
    const authorize = new URL(first.headers.get('location')!.split('#')[0]);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${pond.baseUrl}/tasks/${pond.corpId}?task=42`);
    authorize.searchParams.set('as', f.userid);
    const withCode = (await b.get(authorize.toString())).headers.get('location')!;
    const done = await b.get(withCode);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/tasks/${pond.corpId}?task=42`);
    const html = await (await b.get(`${pond.baseUrl}/tasks/${pond.corpId}?task=42`)).text();
    const boot = JSON.parse(/id="pond-boot">(.*?)<\/script>/s.exec(html)![1]);
    expect(boot).toMatchObject({ page: 'tasks', taskId: 42, me: { userid: f.userid } });
    expect(JSON.parse(/id="pond-boot">(.*?)<\/script>/s.exec(await (await b.get(`${pond.baseUrl}/tasks/${pond.corpId}?task=x`)).text())![1]).taskId).toBeNull();
    // One session for both pages.
    expect((await b.get(`${pond.baseUrl}/sidebar/${pond.corpId}`)).status).toBe(200);
    // The task page is framed by the WeCom client like the sidebar.
    expect((await b.get(`${pond.baseUrl}/tasks/${pond.corpId}`)).headers.get('content-security-policy')).toContain('frame-ancestors');
  });

  it('signs agentConfig with the app ticket (not the corp ticket), for the URL without its fragment', async () => {
    const f = await someFollow();
    const b = await signIn(f.userid);
    const url = `${pond.baseUrl}/sidebar/${pond.corpId}?from=toolbar`;
    const r = await b.json(`/api/sidebar/config?url=${encodeURIComponent(`${url}#/scripts`)}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ corpId: pond.corpId, agentId: '1000002', me: { userid: f.userid } });
    expect(r.body.jsApiList).toEqual(expect.arrayContaining(['getContext', 'getCurExternalContact', 'sendChatMessage', 'openEnterpriseChat']));
    // The ticket is stored encrypted: read it through the corp's token store.
    const t = (await pond.app.corps['tokenStore'].read(`${pond.corpId}:agent_ticket`))!;
    expect(r.body.signature).toBe(sha1(`jsapi_ticket=${t.value}&noncestr=${r.body.nonceStr}&timestamp=${r.body.timestamp}&url=${url}`));
    // The simulated WeCom client accepts it for that page and that member.
    const check = await fetch(`${pond.baseUrl}/sim/jssdk/agent-config`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        frame: { corpId: pond.corpId, userid: f.userid, externalUserid: f.external_userid, entry: 'single_chat_tools' }, url: `${url}#x`,
        config: { corpid: pond.corpId, agentid: r.body.agentId, timestamp: r.body.timestamp, nonceStr: r.body.nonceStr, signature: r.body.signature, jsApiList: r.body.jsApiList },
      }),
    });
    expect((await check.json() as any).errMsg).toBe('agentConfig:ok');
    expect((await b.json(`/api/sidebar/config?url=${encodeURIComponent(`${pond.baseUrl}/api/customers`)}`)).body.error.field).toBe('url');
    // The task page is signed too; config's signature (ticket=corp) uses the corp ticket.
    const tasksUrl = `${pond.baseUrl}/tasks/${pond.corpId}?task=7`;
    const agent = await b.json(`/api/sidebar/config?url=${encodeURIComponent(tasksUrl)}`);
    expect(agent.body.signature).toBe(sha1(`jsapi_ticket=${t.value}&noncestr=${agent.body.nonceStr}&timestamp=${agent.body.timestamp}&url=${tasksUrl}`));
    const corp = await b.json(`/api/sidebar/config?url=${encodeURIComponent(tasksUrl)}&ticket=corp`);
    expect(corp.status, JSON.stringify(corp.body)).toBe(200);
    const ct = (await pond.app.corps['tokenStore'].read(`${pond.corpId}:jsapi_ticket`))!;
    expect(corp.body.signature).toBe(sha1(`jsapi_ticket=${ct.value}&noncestr=${corp.body.nonceStr}&timestamp=${corp.body.timestamp}&url=${tasksUrl}`));
    expect((await b.json(`/api/sidebar/config?url=${encodeURIComponent(tasksUrl)}&ticket=suite`)).body.error.field).toBe('ticket');
    expect((await b.json('/api/sidebar/config?url=nope')).body.error.field).toBe('url');
  });

  it("shows the member their customer with their own tags, edits tags in WeCom, and hides other members' customers", async () => {
    const f = await someFollow();
    const b = await signIn(f.userid);
    const r = await b.json(`/api/sidebar/customers/${f.external_userid}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.customer.name).toBe(f.name);
    expect(r.body.mine.userid).toBe(f.userid);
    // Other members' relations stay out of a staff member's view; only how many there are is told.
    const { rows: [{ n: otherFollows }] } = await pond.app.pool.query(
      `SELECT count(*)::int AS n FROM follows WHERE corp_id = $1 AND external_userid = $2 AND status = 'active' AND userid <> $3`, [pond.corpId, f.external_userid, f.userid]);
    expect(otherFollows).toBeGreaterThan(0);
    expect(r.body.others).toEqual([]);
    expect(r.body.otherFollowCount).toBe(otherFollows);
    expect(r.body.tagGroups.length).toBeGreaterThan(0);
    expect(r.body.timeline.length).toBeLessThanOrEqual(15);
    // Each entry says what happened in words (customers/describe.ts), as on the customer page.
    expect(r.body.timeline[0].summary.zh).toMatch(/添加了员工|标签|客户群/);
    const tag = r.body.tagGroups[0].tags.find((t: any) => !r.body.mine.tagIds.includes(t.id));
    const add = await b.json(`/api/customers/${f.external_userid}/follows/${f.userid}/tags`, 'POST', { add: [tag.id], remove: [] });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    const inWecom = await pond.app.sim!.control.getFollow(pond.corpId, f.userid, f.external_userid);
    expect(inWecom!.tagIds).toContain(tag.id);
    const after = await b.json(`/api/sidebar/customers/${f.external_userid}`);
    expect(after.body.mine.tagIds).toContain(tag.id);
    await waitFor(async () => (await pond.app.pool.query(`SELECT 1 FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'tag.added'`, [pond.corpId, f.external_userid])).rowCount);

    // A customer this member does not follow is not there for them.
    const { rows: [other] } = await pond.app.pool.query(
      `SELECT c.external_userid FROM customers c WHERE c.corp_id = $1 AND NOT EXISTS (SELECT 1 FROM follows x WHERE x.corp_id = c.corp_id AND x.external_userid = c.external_userid AND x.userid = $2 AND x.status = 'active') LIMIT 1`,
      [pond.corpId, f.userid]);
    expect((await b.json(`/api/sidebar/customers/${other.external_userid}`)).status).toBe(404);
    // And the staff role cannot do operator things from the sidebar.
    expect((await b.json('/api/scripts', 'POST', { title: 'x', content: 'y' })).status).toBe(403);
  });

  it('refuses a forged state, a used code, and people who are not active members', async () => {
    const b = new Browser();
    const first = await b.get(`${pond.baseUrl}/sidebar/${pond.corpId}`);
    const authorize = new URL(first.headers.get('location')!.split('#')[0]);
    authorize.searchParams.set('as', (await someFollow()).userid);
    const back = new URL((await b.get(authorize.toString())).headers.get('location')!);
    const forged = new URL(back);
    forged.searchParams.set('state', 'someone-elses');
    expect((await b.get(forged.toString())).status).toBe(400);
    // The state cookie is still there for the real answer; a code is single-use (WeCom 40029).
    expect((await b.get(back.toString())).status).toBe(303);
    const again = new Browser();
    again.cookies.set('pond_sidebar_state', back.searchParams.get('state')!);
    const reused = await again.get(back.toString());
    // The browser's fault, not WeCom's: a 4xx page saying to reopen the sidebar.
    expect(reused.status).toBe(400);
    const text = await reused.text();
    expect(text).toContain('40029');
    expect(text).toContain('reopen the sidebar');

    const { rows: [s] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND status = 1 ORDER BY userid DESC LIMIT 1`, [pond.corpId]);
    const c = new Browser();
    const a2 = new URL((await c.get(`${pond.baseUrl}/sidebar/${pond.corpId}`)).headers.get('location')!.split('#')[0]);
    a2.searchParams.set('as', s.userid);
    const code = (await c.get(a2.toString())).headers.get('location')!;
    await pond.app.pool.query(`UPDATE staff SET status = 5 WHERE corp_id = $1 AND userid = $2`, [pond.corpId, s.userid]);
    try {
      const r = await c.get(code);
      expect(r.status).toBe(403);
      expect(c.cookies.has('pond_sidebar')).toBe(false);
    } finally {
      await pond.app.pool.query(`UPDATE staff SET status = 1 WHERE corp_id = $1 AND userid = $2`, [pond.corpId, s.userid]);
    }
    // An id that is no corp looks like one (a sign-in redirect): the page does not tell which corps exist.
    expect((await c.get(`${pond.baseUrl}/sidebar/nosuchcorp`)).status).toBe(302);
    // Without a sidebar session the API is closed.
    expect((await new Browser().json(`/api/sidebar/customers/x`)).status).toBe(401);
  });
});
