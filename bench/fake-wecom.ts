// A thin WeCom for the welcome benchmark, in its own process: it speaks WeCom's protocol to Pond (AES-
// encrypted, signed add_external_contact callbacks over HTTP; the JSON API with an access token) but keeps
// its state in memory and builds each burst's callbacks before the burst starts. In production WeCom is a
// remote service whose CPU is not Pond's; on a 2-core benchmark machine the full simulator (state in
// Postgres, every add a transaction on each side) would take half the machine from Pond and its Postgres.
// The welcome code is still checked the way WeCom does: issued when its callback is sent, single use,
// 20 seconds (errcode 41051 otherwise).
//
// Usage: tsx bench/fake-wecom.ts ; prints "ready <url>" once listening. Control (JSON over HTTP):
//   POST /control/burst { corpId, token, encodingAesKey, callbackUrl, userids, count, rate, label }
//     → sends `count` adds at `rate`/s open-loop, answers when every callback was acknowledged
//   GET  /control/stats → calls per API, and per burst label: welcome codes sent within 20 s / failed
import http from 'node:http';
import { buildEventXml, sealEvent } from '@pond/wecom';

const CODE_TTL_MS = 20_000;

interface Add { externalUserid: string; userid: string; name: string; createTime: number; code: string; sentAt?: number; welcomedAt?: number; label: string }
const codes = new Map<string, Add>();
const contacts = new Map<string, Add>();
const calls = new Map<string, number>();
const refused = new Map<string, number>();
let seq = 0;

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function json(res: http.ServerResponse, body: unknown, status = 200) {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
  res.end(s);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function post(url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function burst(spec: { corpId: string; token: string; encodingAesKey: string; callbackUrl: string; userids: string[]; count: number; rate: number; label: string }) {
  const creds = { token: spec.token, encodingAesKey: spec.encodingAesKey, receiveId: spec.corpId };
  // Everything WeCom would compute is done up front: the burst measures Pond.
  const createTime = Math.floor(Date.now() / 1000);
  const sealed = Array.from({ length: spec.count }, (_, i) => {
    const n = ++seq;
    const add: Add = { externalUserid: `wmfake${n}`, userid: spec.userids[i % spec.userids.length], name: `${spec.label}${i}`, createTime, code: `WC${n}x${Math.random().toString(36).slice(2, 10)}`, label: spec.label };
    const xml = buildEventXml({
      ToUserName: spec.corpId, FromUserName: 'sys', CreateTime: String(createTime), MsgType: 'event', Event: 'change_external_contact',
      ChangeType: 'add_external_contact', UserID: add.userid, ExternalUserID: add.externalUserid, State: '', WelcomeCode: add.code,
    });
    const s = sealEvent(creds, xml);
    const url = new URL(spec.callbackUrl);
    for (const [k, v] of Object.entries(s.query)) url.searchParams.set(k, v);
    return { add, url, body: s.body };
  });
  const t0 = performance.now();
  const acks: Promise<number>[] = [];
  const ackMs: number[] = [];
  for (let i = 0; i < sealed.length; i++) {
    const due = t0 + (i * 1000) / spec.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const { add, url, body } = sealed[i];
    codes.set(add.code, add);
    contacts.set(add.externalUserid, add);
    add.sentAt = Date.now();
    acks.push(post(url, body).then((status) => { ackMs.push(performance.now() - due); return status; }));
  }
  const statuses = await Promise.all(acks);
  const seconds = (performance.now() - t0) / 1000;
  ackMs.sort((a, b) => a - b);
  return {
    offered: spec.count / seconds,
    non200: statuses.filter((s) => s !== 200).length,
    ackP99: ackMs[Math.min(ackMs.length - 1, Math.floor(ackMs.length * 0.99))] ?? NaN,
  };
}

function stats() {
  const byLabel: Record<string, { welcomed: number; latencies: number[] }> = {};
  for (const add of codes.values()) {
    const l = (byLabel[add.label] ??= { welcomed: 0, latencies: [] });
    if (add.welcomedAt !== undefined) { l.welcomed++; l.latencies.push(add.welcomedAt - add.sentAt!); }
  }
  return { calls: Object.fromEntries(calls), refused: Object.fromEntries(refused), byLabel };
}

const server = http.createServer((req, res) => void (async () => {
  try {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    if (path === '/control/burst') return json(res, await burst(JSON.parse(await readBody(req))));
    if (path === '/control/stats') return json(res, stats());
    const api = path.replace(/^\/cgi-bin\//, '');
    calls.set(api, (calls.get(api) ?? 0) + 1);
    if (api === 'gettoken') return json(res, { errcode: 0, errmsg: 'ok', access_token: 'FAKE_TOKEN', expires_in: 7200 });
    if (url.searchParams.get('access_token') !== 'FAKE_TOKEN') return json(res, { errcode: 40014, errmsg: 'invalid access_token' });
    if (api === 'externalcontact/send_welcome_msg') {
      const body = JSON.parse(await readBody(req));
      const add = codes.get(body.welcome_code);
      const now = Date.now();
      if (!add || add.welcomedAt !== undefined || now - add.sentAt! > CODE_TTL_MS) {
        refused.set('41051', (refused.get('41051') ?? 0) + 1);
        return json(res, { errcode: 41051, errmsg: 'externaluser has started chatting' });
      }
      add.welcomedAt = now;
      return json(res, { errcode: 0, errmsg: 'ok' });
    }
    if (api === 'externalcontact/get') {
      const add = contacts.get(url.searchParams.get('external_userid') ?? '');
      if (!add) return json(res, { errcode: 84061, errmsg: 'not external contact' });
      return json(res, {
        errcode: 0, errmsg: 'ok',
        external_contact: { external_userid: add.externalUserid, name: add.name, type: 1, gender: 0 },
        follow_user: [{ userid: add.userid, remark: '', description: '', createtime: add.createTime, tags: [], remark_mobiles: [], add_way: 1, state: '' }],
      });
    }
    // Pond calls nothing else in a burst of adds without a live code; say so loudly if it ever does.
    refused.set(api, (refused.get(api) ?? 0) + 1);
    return json(res, { errcode: 48002, errmsg: `api ${api} not offered by the benchmark's WeCom` });
  } catch (err) {
    json(res, { errcode: -1, errmsg: String((err as Error).message) }, 500);
  }
})());

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address() as { port: number };
  console.log(`ready http://127.0.0.1:${a.port}`);
});
process.on('SIGTERM', () => { server.close(); process.exit(0); });
