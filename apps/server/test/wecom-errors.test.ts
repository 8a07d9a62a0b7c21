// WeCom failing under a console action: every failure — an errcode, no answer, no connection — is a 502 with
// WeCom's errcode, the API and the setup checklist's hint, within the bounded WeCom timeout (WECOM_TIMEOUT_MS,
// 2 s here), and the action stores nothing. Background work has its own, longer budget (WECOM_JOB_TIMEOUT_MS).
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WECOM_FIXES } from '../src/platform/errors';
import { startTestPond, type TestPond } from './helpers';

const TIMEOUT_MS = 2000;
const JOB_TIMEOUT_MS = 4000;
let pond: TestPond;
let simBase: string;
let hanging: Server;
const sockets: Socket[] = [];

let closedPort: number;

beforeAll(async () => {
  // Accepts connections and never answers: what a firewall that drops packets looks like from here.
  hanging = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
  // A port nothing listens on.
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  // Both stand for WeCom (a proxy the operator allowed): the corp's API base may point only at allowed addresses.
  const allowed = [`http://127.0.0.1:${(hanging.address() as AddressInfo).port}`, `http://127.0.0.1:${closedPort}`].join(',');
  pond = await startTestPond({ roles: { api: true, worker: false }, env: { WECOM_TIMEOUT_MS: String(TIMEOUT_MS), WECOM_JOB_TIMEOUT_MS: String(JOB_TIMEOUT_MS), WECOM_ALLOWED_ORIGINS: allowed } });
  simBase = (await pond.api('GET', '/api/settings/corp')).body.apiBase;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => hanging?.close(r));
  await pond?.close();
});

const tagRows = async () => (await pond.app.pool.query(
  `SELECT (SELECT count(*) FROM tag_groups WHERE corp_id = $1)::int AS groups, (SELECT count(*) FROM tags WHERE corp_id = $1)::int AS tags`, [pond.corpId])).rows[0];

async function createTagGroup() {
  const before = await tagRows();
  const started = Date.now();
  const res = await pond.api('POST', '/api/tag-groups', { name: `组${Date.now()}`, tags: [{ name: '甲' }] });
  const elapsed = Date.now() - started;
  expect(await tagRows()).toEqual(before);
  return { ...res, elapsed };
}

async function pointAt(apiBase: string) {
  expect((await pond.api('PUT', '/api/settings/corp', { apiBase })).status).toBe(200);
}

describe('WeCom unreachable', () => {
  afterAll(async () => { await pointAt(simBase); });

  it('a connection that never answers: 502 with errcode, api and hint within the timeout', async () => {
    await pointAt(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}`);
    const r = await createTagGroup();
    expect(r.status).toBe(502);
    expect(r.body.error).toMatchObject({ code: 'wecom_error', errcode: -1, api: 'gettoken', hint: WECOM_FIXES.network });
    expect(r.body.error.message).toContain(`no answer within ${TIMEOUT_MS} ms`);
    expect(r.elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(r.elapsed).toBeLessThan(TIMEOUT_MS + 1500);
  });

  it('background work (no request waiting) gets the longer budget', async () => {
    await pointAt(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}`);
    const client = await pond.app.corps.client(pond.corpId);
    const started = Date.now();
    const err = await client.getFollowUserList().catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toMatchObject({ api: 'gettoken', errcode: -1, kind: 'network', errmsg: `no answer within ${JOB_TIMEOUT_MS} ms` });
    expect(elapsed).toBeGreaterThanOrEqual(JOB_TIMEOUT_MS - 100);
    expect(elapsed).toBeLessThan(JOB_TIMEOUT_MS + 1500);
  });

  it('a closed port: the same 502, retries included, within the timeout', async () => {
    await pointAt(`http://127.0.0.1:${closedPort}`);
    const r = await createTagGroup();
    expect(r.status).toBe(502);
    expect(r.body.error).toMatchObject({ code: 'wecom_error', errcode: -1, api: 'gettoken', hint: WECOM_FIXES.network });
    expect(r.body.error.message).toContain('ECONNREFUSED');
    expect(r.elapsed).toBeLessThan(TIMEOUT_MS + 1500);
  });
});

describe('WeCom refusing', () => {
  it('60020 (trusted IP) and 48002 (the app may not call the API) carry the checklist hint', async () => {
    const sim = pond.app.sim!.control;
    await sim.upsertCorp({ corpId: pond.corpId, trustedIps: ['10.1.2.3'] });
    try {
      const r = await createTagGroup();
      expect(r.status).toBe(502);
      expect(r.body.error).toMatchObject({ code: 'wecom_error', errcode: 60020, api: 'externalcontact/add_corp_tag', hint: WECOM_FIXES.trustedIp });
    } finally {
      await sim.upsertCorp({ corpId: pond.corpId, trustedIps: null });
    }
    await sim.upsertCorp({ corpId: pond.corpId, forbiddenApis: ['externalcontact/add_corp_tag'] });
    try {
      const r = await createTagGroup();
      expect(r.body.error).toMatchObject({ errcode: 48002, api: 'externalcontact/add_corp_tag', hint: WECOM_FIXES.appPermission });
    } finally {
      await sim.upsertCorp({ corpId: pond.corpId, forbiddenApis: [] });
    }
    expect((await pond.api('POST', '/api/tag-groups', { name: '恢复', tags: [{ name: '乙' }] })).status).toBe(200);
  });
});
