import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WecomClient } from './client';
import { WecomArgumentError, WecomError } from './errors';
import type { RateLimiter } from './rate-limiter';
import { MemoryTokenStore, type TokenStore } from './token-store';
import type { WecomClientOptions } from './transport';

interface Recorded {
  api: string;
  method: string;
  url: URL;
  body: any;
}

type Handler = (req: Recorded, nth: number) => unknown;

/** A WeCom stand-in behind an injected fetch: routes by API path, records every request. */
function fakeWecom(routes: Record<string, Handler> = {}) {
  const calls: Recorded[] = [];
  let tokens = 0;
  const fallback: Record<string, Handler> = {
    gettoken: () => ({ access_token: `T${++tokens}`, expires_in: 7200 }),
  };
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const api = url.pathname.replace(/^.*?\/cgi-bin\//, '');
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : init?.body;
    const rec: Recorded = { api, method: init?.method ?? 'GET', url, body };
    calls.push(rec);
    const handler = routes[api] ?? fallback[api];
    if (!handler) return new Response(JSON.stringify({ errcode: 404, errmsg: `no route ${api}` }));
    const out = await handler(rec, calls.filter((c) => c.api === api).length);
    if (out instanceof Response) return out;
    return new Response(JSON.stringify({ errcode: 0, errmsg: 'ok', ...(out as object) }), {
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  return {
    fetch,
    calls,
    of: (api: string) => calls.filter((c) => c.api === api),
  };
}

const fail = (errcode: number, errmsg = 'err') => () => new Response(JSON.stringify({ errcode, errmsg }));

let corpSeq = 0;
function makeClient(fake: ReturnType<typeof fakeWecom>, opts: Partial<WecomClientOptions> = {}) {
  const slept: number[] = [];
  const errors: WecomError[] = [];
  const client = new WecomClient({
    corpId: `wwcorp${++corpSeq}`,
    secret: 'app-secret',
    agentId: 1000002,
    apiBase: 'http://wecom.test/sim/',
    tokenStore: new MemoryTokenStore(),
    limiter: { acquire: async () => {} },
    fetch: fake.fetch,
    sleep: async (ms) => void slept.push(ms),
    random: () => 0.5,
    onApiError: (err) => errors.push(err),
    ...opts,
  });
  return { client, slept, errors };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('access token', () => {
  it('fetches the token once for concurrent calls and sends it with each', async () => {
    const fake = fakeWecom({ 'externalcontact/get_follow_user_list': () => ({ follow_user: ['zhangsan'] }) });
    const { client } = makeClient(fake);
    const results = await Promise.all(Array.from({ length: 10 }, () => client.getFollowUserList()));
    expect(results.map((r) => r.follow_user)).toEqual(Array(10).fill(['zhangsan']));
    expect(fake.of('gettoken')).toHaveLength(1);
    expect(fake.of('gettoken')[0].url.searchParams.get('corpsecret')).toBe('app-secret');
    expect(fake.of('externalcontact/get_follow_user_list').map((c) => c.url.searchParams.get('access_token'))).toEqual(Array(10).fill('T1'));
    expect(fake.calls[0].url.href.startsWith('http://wecom.test/sim/cgi-bin/gettoken?')).toBe(true);
  });

  it('asks a shared store to refresh only once per process for concurrent callers', async () => {
    const fake = fakeWecom({ 'user/get': () => ({ userid: 'u1' }) });
    let refreshes = 0;
    const inner = new MemoryTokenStore();
    const store: TokenStore = {
      read: (k) => inner.read(k),
      refresh: (k, stale, f) => (refreshes++, inner.refresh(k, stale, f)),
    };
    const { client } = makeClient(fake, { tokenStore: store });
    await Promise.all(Array.from({ length: 5 }, () => client.userGet('u1')));
    expect(refreshes).toBe(1);
  });

  it('refreshes on 42001 and retries the call once', async () => {
    const fake = fakeWecom({
      'externalcontact/get': (_r, n) => (n === 1 ? fail(42001, 'access_token expired')() : { external_contact: { external_userid: 'wm1' }, follow_user: [] }),
    });
    const { client, errors } = makeClient(fake);
    const res = await client.getExternalContact('wm1');
    expect(res.external_contact.external_userid).toBe('wm1');
    expect(fake.of('gettoken')).toHaveLength(2);
    expect(fake.of('externalcontact/get').map((c) => c.url.searchParams.get('access_token'))).toEqual(['T1', 'T2']);
    expect(errors).toEqual([]);
  });

  it('gives up after one refresh when the new token is rejected too', async () => {
    const fake = fakeWecom({ 'externalcontact/get': fail(40014, 'invalid access_token') });
    const { client, errors } = makeClient(fake);
    const err = await client.getExternalContact('wm1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WecomError);
    expect(err).toMatchObject({ errcode: 40014, api: 'externalcontact/get', kind: 'api' });
    expect(fake.of('externalcontact/get')).toHaveLength(2);
    expect(fake.of('gettoken')).toHaveLength(2);
    expect(errors).toEqual([err]);
  });

  it('reports a failing gettoken (e.g. 60020 untrusted IP) once, as the gettoken error', async () => {
    const fake = fakeWecom({ gettoken: fail(60020, 'not allow to access from your ip') });
    const { client, errors } = makeClient(fake);
    const err = await client.getFollowUserList().catch((e: unknown) => e);
    expect(err).toMatchObject({ api: 'gettoken', errcode: 60020, message: 'WeCom gettoken failed: 60020 not allow to access from your ip' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBe(err);
    expect(fake.of('externalcontact/get_follow_user_list')).toHaveLength(0);
  });
});

describe('errors and back-off', () => {
  it('carries errcode, errmsg and api in a readable message, without retrying', async () => {
    const fake = fakeWecom({ 'externalcontact/get': fail(84061, 'not external contact') });
    const { client, errors, slept } = makeClient(fake);
    const err = (await client.getExternalContact('wm1').catch((e: unknown) => e)) as WecomError;
    expect(err).toBeInstanceOf(WecomError);
    expect(err.message).toBe('WeCom externalcontact/get failed: 84061 not external contact');
    expect([err.errcode, err.errmsg, err.api]).toEqual([84061, 'not external contact', 'externalcontact/get']);
    expect(fake.of('externalcontact/get')).toHaveLength(1);
    expect(slept).toEqual([]);
    expect(errors).toEqual([err]);
  });

  it('backs off exponentially on 45009 and then succeeds', async () => {
    const fake = fakeWecom({
      'externalcontact/groupchat/get': (_r, n) => (n <= 2 ? fail(45009, 'api freq out of limit')() : { group_chat: { chat_id: 'wr1' } }),
    });
    const { client, slept, errors } = makeClient(fake);
    const res = await client.groupchatGet('wr1');
    expect(res.group_chat.chat_id).toBe('wr1');
    // base 1000 × 2^n with jitter in [cap/2, cap]; random() is 0.5 here.
    expect(slept).toEqual([750, 1500]);
    expect(errors).toEqual([]);
  });

  it('keeps jittered delays within [cap/2, cap] and under maxDelayMs', async () => {
    for (const r of [0, 0.999]) {
      const fake = fakeWecom({ 'externalcontact/groupchat/get': fail(-1, 'system busy') });
      const { client, slept } = makeClient(fake, { random: () => r, busyRetry: { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 500 } });
      await expect(client.groupchatGet('wr1')).rejects.toMatchObject({ errcode: -1 });
      const caps = [100, 200, 400, 500];
      slept.forEach((ms, i) => {
        expect(ms).toBeGreaterThanOrEqual(caps[i] / 2);
        expect(ms).toBeLessThanOrEqual(caps[i]);
      });
      expect(slept).toHaveLength(4);
    }
  });

  it('stops after maxRetries busy answers and reports the final error once', async () => {
    const fake = fakeWecom({ 'externalcontact/groupchat/get': fail(45033, 'too many concurrent') });
    const { client, slept, errors } = makeClient(fake, { busyRetry: { maxRetries: 2, baseDelayMs: 10 } });
    await expect(client.groupchatGet('wr1')).rejects.toMatchObject({ errcode: 45033, api: 'externalcontact/groupchat/get' });
    expect(fake.of('externalcontact/groupchat/get')).toHaveLength(3);
    expect(slept).toHaveLength(2);
    expect(errors).toHaveLength(1);
  });

  it('wraps HTTP failures with errcode -1 and kind http, retrying reads', async () => {
    const fake = fakeWecom({ 'user/get': () => new Response('bad gateway', { status: 502 }) });
    const { client } = makeClient(fake, { busyRetry: { maxRetries: 1 } });
    await expect(client.userGet('u1')).rejects.toMatchObject({ errcode: -1, kind: 'http', status: 502, api: 'user/get' });
    expect(fake.of('user/get')).toHaveLength(2);
  });

  it('wraps network failures with kind network and does not repeat a POST that may have been applied', async () => {
    const fake = fakeWecom({
      'externalcontact/add_contact_way': () => {
        throw new TypeError('fetch failed');
      },
    });
    const { client, errors } = makeClient(fake);
    const err = await client.addContactWay({ type: 1, scene: 2, user: ['u1'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ errcode: -1, kind: 'network', api: 'externalcontact/add_contact_way' });
    expect((err as Error).message).not.toContain('T1');
    expect(fake.of('externalcontact/add_contact_way')).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });

  it('treats a non-JSON body as an http error', async () => {
    const fake = fakeWecom({ getcallbackip: () => new Response('<html>maintenance</html>') });
    const { client } = makeClient(fake, { busyRetry: { maxRetries: 0 } });
    await expect(client.getCallbackIp()).rejects.toMatchObject({ errcode: -1, kind: 'http' });
  });
});

describe('the time a call may take', () => {
  /** A fetch that never answers, but gives up when the request's signal does (as undici does). */
  const silentFetch = (calls: string[]) => ((input: string | URL | Request, init?: RequestInit) => {
    calls.push(new URL(String(input)).pathname);
    return new Promise<Response>((_, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
    });
  }) as typeof globalThis.fetch;

  it('gives up on a server that never answers after timeoutMs, token fetch included, with kind network', async () => {
    const calls: string[] = [];
    const { client, errors } = makeClient(fakeWecom(), { fetch: silentFetch(calls), timeoutMs: 200 });
    const started = Date.now();
    const err = (await client.getFollowUserList().catch((e: unknown) => e)) as WecomError;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err).toMatchObject({ api: 'gettoken', errcode: -1, kind: 'network', errmsg: 'no answer within 200 ms' });
    // One attempt used the whole budget: no retry could start in time.
    expect(calls).toEqual(['/sim/cgi-bin/gettoken']);
    expect(errors).toEqual([err]);
  });

  it('retries a refused connection only while the back-off fits in the time left', async () => {
    const fake = fakeWecom({
      'user/get': () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      },
    });
    const { client, slept } = makeClient(fake, { timeoutMs: 10_000 });
    const err = (await client.userGet('u1').catch((e: unknown) => e)) as WecomError;
    expect(err).toMatchObject({ api: 'user/get', kind: 'network', errmsg: 'request failed: fetch failed (ECONNREFUSED)' });
    // base 1000 × 2^n, random() 0.5 → 750, 1500, 3000: the next (6000) would end past the 10 s budget.
    expect(slept).toEqual([750, 1500, 3000]);
    expect(fake.of('user/get')).toHaveLength(4);
  });

  it('keeps the default budget at 10 s for busy answers too (5 retries used to wait up to 31 s)', async () => {
    const fake = fakeWecom({ 'externalcontact/groupchat/get': fail(-1, 'system busy') });
    const { client, slept } = makeClient(fake);
    await expect(client.groupchatGet('wr1')).rejects.toMatchObject({ errcode: -1, kind: 'api' });
    expect(slept.reduce((a, b) => a + b, 0)).toBeLessThan(10_000);
  });
});

describe('pagination', () => {
  const pages: Record<string, { group_chat_list: { chat_id: string; status: number }[]; next_cursor: string }> = {
    '': { group_chat_list: [{ chat_id: 'wr1', status: 0 }, { chat_id: 'wr2', status: 0 }], next_cursor: 'c1' },
    c1: { group_chat_list: [{ chat_id: 'wr3', status: 0 }], next_cursor: 'c2' },
    c2: { group_chat_list: [{ chat_id: 'wr4', status: 1 }], next_cursor: '' },
  };

  it('follows next_cursor across pages', async () => {
    const fake = fakeWecom({ 'externalcontact/groupchat/list': (r) => pages[r.body.cursor ?? ''] });
    const { client } = makeClient(fake);
    const items = await collect(client.iterateGroupchatList({ owner_filter: { userid_list: ['u1'] } }));
    expect(items.map((g) => g.chat_id)).toEqual(['wr1', 'wr2', 'wr3', 'wr4']);
    const bodies = fake.of('externalcontact/groupchat/list').map((c) => c.body);
    expect(bodies.map((b) => b.cursor)).toEqual([undefined, 'c1', 'c2']);
    expect(bodies.every((b) => b.limit === 1000 && b.owner_filter.userid_list[0] === 'u1')).toBe(true);
  });

  it('yields whole pages from paginate()', async () => {
    const fake = fakeWecom({ 'externalcontact/groupchat/list': (r) => pages[r.body.cursor ?? ''] });
    const { client } = makeClient(fake);
    const got = await collect(client.paginate<{ next_cursor: string }>('externalcontact/groupchat/list', { limit: 2 }));
    expect(got.map((p) => p.next_cursor)).toEqual(['c1', 'c2', '']);
  });

  it('pages batch/get_by_user', async () => {
    const fake = fakeWecom({
      'externalcontact/batch/get_by_user': (r) =>
        r.body.cursor === 'n1'
          ? { external_contact_list: [{ external_contact: { external_userid: 'wm3' }, follow_info: { userid: 'u1' } }] }
          : {
              external_contact_list: [
                { external_contact: { external_userid: 'wm1' }, follow_info: { userid: 'u1' } },
                { external_contact: { external_userid: 'wm2' }, follow_info: { userid: 'u1' } },
              ],
              next_cursor: 'n1',
            },
    });
    const { client } = makeClient(fake);
    const items = await collect(client.iterateBatchGetByUser(['u1']));
    expect(items.map((i) => i.external_contact.external_userid)).toEqual(['wm1', 'wm2', 'wm3']);
    expect(fake.of('externalcontact/batch/get_by_user')[0].body).toEqual({ userid_list: ['u1'], limit: 100 });
  });

  it('stops with an error instead of looping when WeCom repeats a cursor', async () => {
    const fake = fakeWecom({ 'externalcontact/contact_list': () => ({ info_list: [], next_cursor: 'same' }) });
    const { client } = makeClient(fake);
    await expect(collect(client.iterateContactList())).rejects.toThrow(/same next_cursor twice/);
    expect(fake.of('externalcontact/contact_list')).toHaveLength(2);
  });

  it('merges follow_user pages of a customer with more than 500 followers', async () => {
    const fake = fakeWecom({
      'externalcontact/get': (r) =>
        r.url.searchParams.get('cursor') === 'f2'
          ? { external_contact: { external_userid: 'wm1' }, follow_user: [{ userid: 'b' }] }
          : { external_contact: { external_userid: 'wm1' }, follow_user: [{ userid: 'a' }], next_cursor: 'f2' },
    });
    const { client } = makeClient(fake);
    const res = await client.getExternalContactAllFollowers('wm1');
    expect(res.follow_user.map((f) => f.userid)).toEqual(['a', 'b']);
  });
});

describe('argument validation', () => {
  function rejects(fn: () => unknown): string {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(WecomArgumentError);
      return (err as Error).message;
    }
    throw new Error('expected a WecomArgumentError');
  }

  it('names the field and the rule, and sends nothing', () => {
    const fake = fakeWecom();
    const { client } = makeClient(fake);
    expect(rejects(() => client.addContactWay({ type: 1, scene: 2, user: ['u1'], state: 's'.repeat(31) }))).toBe(
      'addContactWay: state must be at most 30 characters (got 31)',
    );
    expect(rejects(() => client.batchGetByUser({ userid_list: Array.from({ length: 101 }, (_, i) => `u${i}`) }))).toBe(
      'batchGetByUser: userid_list must have 1–100 entries (got 101)',
    );
    const image = { msgtype: 'image' as const, image: { media_id: 'm' } };
    expect(rejects(() => client.sendWelcomeMsg({ welcome_code: 'w', attachments: Array(10).fill(image) }))).toBe(
      'sendWelcomeMsg: attachments must have at most 9 entries (got 10)',
    );
    expect(
      rejects(() => client.addMsgTemplate({ external_userid: Array.from({ length: 10_001 }, (_, i) => `wm${i}`), text: { content: 'hi' } })),
    ).toBe('addMsgTemplate: external_userid must have at most 10000 entries (got 10001)');
    expect(rejects(() => client.addContactWay({ type: 1, scene: 2, user: ['a', 'b'] }))).toBe('addContactWay: user must have 1–1 entries (got 2)');
    expect(rejects(() => client.addJoinWay({ scene: 2, chat_id_list: ['1', '2', '3', '4', '5', '6'] }))).toMatch(/chat_id_list must have 1–5/);
    expect(rejects(() => client.addMsgTemplate({ chat_type: 'group', chat_id_list: ['wr1'], text: { content: 'x' } }))).toBe(
      'addMsgTemplate: sender is required',
    );
    expect(rejects(() => client.sendWelcomeMsg({ welcome_code: 'w', attachments: [{ msgtype: 'link', link: { title: 't', url: '' } }] }))).toBe(
      'sendWelcomeMsg: attachments[0].link.url is required',
    );
    expect(rejects(() => client.sendWelcomeMsg({ welcome_code: 'w', text: { content: '字'.repeat(1334) } }))).toBe(
      'sendWelcomeMsg: text.content must be at most 4000 bytes in UTF-8 (got 4002)',
    );
    expect(
      rejects(() =>
        client.addMomentTask({ attachments: [image, { msgtype: 'video', video: { media_id: 'v' } }] }),
      ),
    ).toMatch(/attachments cannot mix types/);
    expect(rejects(() => client.transferCustomer({ handover_userid: 'a', takeover_userid: 'b', external_userid: [] }))).toBe(
      'transferCustomer: external_userid must have 1–100 entries (got 0)',
    );
    expect(rejects(() => client.markTag({ userid: 'u', external_userid: 'wm' }))).toMatch(/add_tag or remove_tag/);
    expect(rejects(() => client.getUserBehaviorData({ userid: ['u'], start_time: 0, end_time: 31 * 86_400 }))).toMatch(/at most 30 days/);
    expect(rejects(() => client.groupchatList({ limit: 0 }))).toBe('groupchatList: limit must be an integer from 1 to 1000 (got 0)');
    expect(fake.calls).toEqual([]);
  });

  it('counts characters, not bytes, for state', async () => {
    const fake = fakeWecom({ 'externalcontact/add_contact_way': () => ({ config_id: 'cfg1', qr_code: 'https://qr' }) });
    const { client } = makeClient(fake);
    const res = await client.addContactWay({ type: 1, scene: 2, user: ['u1'], state: '渠'.repeat(30) });
    expect(res.config_id).toBe('cfg1');
  });
});

describe('limiter, tickets and app messages', () => {
  it('acquires the limiter per API before every request', async () => {
    const fake = fakeWecom({ 'externalcontact/list': () => ({ external_userid: ['wm1'] }) });
    const seen: string[] = [];
    const limiter: RateLimiter = { acquire: async (api) => void seen.push(api) };
    const { client } = makeClient(fake, { limiter });
    await client.listExternalContacts('u1');
    await client.listExternalContacts('u1');
    expect(seen).toEqual(['gettoken', 'externalcontact/list', 'externalcontact/list']);
    expect(fake.of('externalcontact/list')[0].url.searchParams.get('userid')).toBe('u1');
  });

  it('caches the agent_config and corp tickets in the token store and signs without the #fragment', async () => {
    const fake = fakeWecom({
      'ticket/get': () => ({ ticket: 'AGENT-T', expires_in: 7200 }),
      get_jsapi_ticket: () => ({ ticket: 'CORP-T', expires_in: 7200 }),
    });
    const store = new MemoryTokenStore();
    const { client } = makeClient(fake, { tokenStore: store });
    const a = await client.agentConfigSignature('https://pond.example/sidebar?x=1#/customer');
    await client.agentConfigSignature('https://pond.example/other');
    const j = await client.jsapiSignature('https://pond.example/sidebar?x=1');
    expect(fake.of('ticket/get')).toHaveLength(1);
    expect(fake.of('ticket/get')[0].url.searchParams.get('type')).toBe('agent_config');
    expect(fake.of('get_jsapi_ticket')).toHaveLength(1);
    expect((await store.read(`${client.corpId}:agent_ticket`))?.value).toBe('AGENT-T');
    expect((await store.read(`${client.corpId}:jsapi_ticket`))?.value).toBe('CORP-T');
    const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
    expect(a.signature).toBe(sha1(`jsapi_ticket=AGENT-T&noncestr=${a.nonceStr}&timestamp=${a.timestamp}&url=https://pond.example/sidebar?x=1`));
    expect(j.signature).toBe(sha1(`jsapi_ticket=CORP-T&noncestr=${j.nonceStr}&timestamp=${j.timestamp}&url=https://pond.example/sidebar?x=1`));
  });

  it('fills in agentid for message/send and accepts a numeric-string agentId', async () => {
    const fake = fakeWecom({ 'message/send': () => ({ msgid: 'm1' }) });
    const { client } = makeClient(fake, { agentId: '1000005' });
    await client.messageSend({ touser: 'u1|u2', msgtype: 'textcard', textcard: { title: 'SOP', description: 'd', url: 'https://pond.example/t/1' } });
    expect(fake.of('message/send')[0].body).toMatchObject({ agentid: 1000005, touser: 'u1|u2', msgtype: 'textcard' });
  });
});

describe('against a local HTTP server', () => {
  it('uploads multipart to media/upload_attachment under an apiBase path prefix', async () => {
    const seen: { path: string; contentType?: string; body: string }[] = [];
    const read = (req: IncomingMessage) =>
      new Promise<string>((resolve) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
      });
    const server = createServer((req, res) => void (async () => {
      const body = await read(req);
      seen.push({ path: req.url!, contentType: req.headers['content-type'], body });
      res.setHeader('content-type', 'application/json');
      if (req.url!.startsWith('/sim/cgi-bin/gettoken')) return res.end(JSON.stringify({ errcode: 0, access_token: 'LT', expires_in: 7200 }));
      res.end(JSON.stringify({ errcode: 0, errmsg: 'ok', type: 'image', media_id: 'MEDIA1', created_at: '1700000000' }));
    })());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const client = new WecomClient({
        corpId: 'wwlocal',
        secret: 's',
        agentId: 1,
        apiBase: `http://127.0.0.1:${port}/sim`,
        tokenStore: new MemoryTokenStore(),
      });
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
      const res = await client.uploadAttachment('image', { filename: 'cover.png', contentType: 'image/png', data: png });
      expect(res.media_id).toBe('MEDIA1');
      const up = seen.find((s) => s.path.startsWith('/sim/cgi-bin/media/upload_attachment'))!;
      const q = new URL(up.path, 'http://x').searchParams;
      expect([q.get('access_token'), q.get('media_type'), q.get('attachment_type')]).toEqual(['LT', 'image', '1']);
      expect(up.contentType).toMatch(/^multipart\/form-data; boundary=/);
      expect(up.body).toContain('name="media"; filename="cover.png"');
      expect(up.body).toContain('Content-Type: image/png');
      expect(up.body).toContain(png.toString('latin1'));
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
