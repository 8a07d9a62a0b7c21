// Callback intake over real HTTP on a real Postgres: signature, decryption, receive id, dedupe, ack.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEventXml, sealEcho, sealEvent } from '@pond/wecom';
import { loadConfig } from '../../config';
import { buildApp, type PondApp } from '../../app';
import { createLogger } from '../../platform/log';
import { createTestDatabase, waitFor } from '../../../test/helpers';
import { InboxProcessor, LISTENER_APPLICATION_NAME, notifyInbox, Priority } from '../../platform/inbox';

const creds = { token: 'cbToken123', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', receiveId: 'wwcallbacktest01' };
let app: PondApp;
let base: string;
let drop: () => Promise<void>;

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  const config = loadConfig({ LOG_LEVEL: 'silent', POND_SECRET_KEY: randomBytes(32).toString('base64') });
  config.port = 0;
  config.host = '127.0.0.1';
  // No worker: events stay pending, so the test sees exactly what the receiver stored.
  app = await buildApp({ config, databaseUrl: db.url, roles: { api: true, worker: false }, log: createLogger('silent', false) });
  base = (await app.start())!;
  await app.corps.upsert({ id: creds.receiveId, name: 'cb', agentId: '1', secret: 'whatever-secret', callbackToken: creds.token, callbackAesKey: creds.encodingAesKey, apiBase: 'http://127.0.0.1:9' });
});
afterAll(async () => { await app?.close(); await drop?.(); });

const post = (path: string, sealed: ReturnType<typeof sealEvent>) =>
  fetch(`${base}${path}?${new URLSearchParams(sealed.query).toString()}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: sealed.body });

const addXml = (ext: string) => buildEventXml({
  ToUserName: creds.receiveId, FromUserName: 'sys', CreateTime: 1732400000, MsgType: 'event', Event: 'change_external_contact',
  ChangeType: 'add_external_contact', UserID: 'zhangsan', ExternalUserID: ext, State: 'c1', WelcomeCode: 'WC1',
});

const inboxCount = async () => (await app.pool.query('SELECT count(*)::int AS n FROM callback_inbox')).rows[0].n as number;

describe('callback receiver', () => {
  it('answers URL verification with the bare plaintext', async () => {
    const q = sealEcho(creds, '6327498237489');
    const res = await fetch(`${base}/wecom/callback/${creds.receiveId}?${new URLSearchParams(q).toString()}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('6327498237489');
    const { rows } = await app.pool.query('SELECT callback_verified_at FROM corps WHERE id = $1', [creds.receiveId]);
    expect(rows[0].callback_verified_at).not.toBeNull();
  });

  it('rejects a bad signature with 401 and stores nothing', async () => {
    const before = await inboxCount();
    const sealed = sealEvent(creds, addXml('wmBAD'));
    sealed.query.msg_signature = '0'.repeat(40);
    const res = await post(`/wecom/callback/${creds.receiveId}`, sealed);
    expect(res.status).toBe(401);
    expect(await inboxCount()).toBe(before);
  });

  it('rejects a payload encrypted for another corp (receive id) with 401', async () => {
    const before = await inboxCount();
    const other = { ...creds, receiveId: 'wwsomeoneelse' };
    const res = await post(`/wecom/callback/${creds.receiveId}`, sealEvent(other, addXml('wmOTHER')));
    expect(res.status).toBe(401);
    expect(await inboxCount()).toBe(before);
  });

  it('answers 400 to a malformed body', async () => {
    const sealed = sealEvent(creds, addXml('wmX'));
    const res = await fetch(`${base}/wecom/callback/${creds.receiveId}?${new URLSearchParams(sealed.query).toString()}`, { method: 'POST', body: '<xml><nope/></xml>' });
    expect(res.status).toBe(400);
  });

  it('stores an event once however often WeCom retries it, and answers 200 with an empty body', async () => {
    const xml = addXml('wmDUP1');
    for (let i = 0; i < 3; i++) {
      const res = await post('/wecom/callback', sealEvent(creds, xml)); // corp from ToUserName
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
    }
    const { rows } = await app.pool.query(`SELECT event, change_type, priority, status FROM callback_inbox WHERE xml LIKE '%wmDUP1%'`);
    expect(rows).toEqual([{ event: 'change_external_contact', change_type: 'add_external_contact', priority: 0, status: 'pending' }]);
  });

  it('keeps two events of the same second apart (CreateTime+FromUserName would collide)', async () => {
    await post('/wecom/callback', sealEvent(creds, addXml('wmSAME1')));
    await post('/wecom/callback', sealEvent(creds, addXml('wmSAME2')));
    const { rows } = await app.pool.query(`SELECT count(*)::int AS n FROM callback_inbox WHERE xml LIKE '%wmSAME%'`);
    expect(rows[0].n).toBe(2);
  });

  it('stores unknown events and marks them ignored when processed', async () => {
    const xml = buildEventXml({ ToUserName: creds.receiveId, FromUserName: 'sys', CreateTime: 1732400001, MsgType: 'event', Event: 'something_new', ChangeType: 'x' });
    expect((await post('/wecom/callback', sealEvent(creds, xml))).status).toBe(200);
    // Only this event: the adds above would call a WeCom that isn't there.
    await app.pool.query(`DELETE FROM callback_inbox WHERE event <> 'something_new'`);
    await app.inbox.drain(); // not running: processes inline
    const { rows } = await app.pool.query(`SELECT status FROM callback_inbox WHERE event = 'something_new'`);
    expect(rows[0].status).toBe('ignored');
  });

  it('answers an unknown corp as a wrong signature (no corp ids to probe)', async () => {
    const other = { ...creds, receiveId: 'wwunknown' };
    const res = await post('/wecom/callback/wwunknown', sealEvent(other, addXml('wmU')));
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('signature or receive id mismatch');
  });
});

describe('inbox processor', () => {
  it("handles an event's second step before the same customer's later events, even in one claim", async () => {
    const seen: string[] = [];
    const processor = new InboxProcessor(app.pool, createLogger('silent', false)).register({
      'change_external_contact/add_external_contact': (ctx) => {
        if (ctx.ev.ExternalUserID !== 'wmorder') return Promise.resolve(); // events other tests left pending
        if ((ctx.priority ?? 0) < Priority.AddFacts) { seen.push('welcome'); return Promise.resolve({ requeueAt: Priority.AddFacts }); }
        seen.push('facts');
        return Promise.resolve();
      },
      'change_external_contact/del_follow_user': (ctx) => { if (ctx.ev.ExternalUserID === 'wmorder') seen.push('delete'); return Promise.resolve(); },
    });
    const del = buildEventXml({ ToUserName: creds.receiveId, CreateTime: 1732400001, Event: 'change_external_contact', ChangeType: 'del_follow_user', UserID: 'zhangsan', ExternalUserID: 'wmorder' });
    await app.pool.query(
      `INSERT INTO callback_inbox (corp_id, event_key, event, change_type, priority, xml) VALUES ($1, 'k-add', 'change_external_contact', 'add_external_contact', 0, $2),
         ($1, 'k-del', 'change_external_contact', 'del_follow_user', 3, $3)`, [creds.receiveId, addXml('wmorder'), del]);
    // One claim of every priority takes both; the add's second step must still come before the delete.
    while (await processor.runOnce() > 0) { /* until nothing is pending */ }
    expect(seen).toEqual(['welcome', 'facts', 'delete']);
    const { rows } = await app.pool.query(`SELECT event_key, status, attempts FROM callback_inbox WHERE event_key IN ('k-add', 'k-del') ORDER BY event_key`);
    expect(rows).toEqual([{ event_key: 'k-add', status: 'done', attempts: 2 }, { event_key: 'k-del', status: 'done', attempts: 1 }]);
  });

  it('holds a claim only while its worker renews it: a dead worker\'s events pass to another within seconds, and it cannot complete them after', async () => {
    const xml = (ext: string) => buildEventXml({ ToUserName: creds.receiveId, CreateTime: 1732400002, Event: 'change_external_contact', ChangeType: 'del_follow_user', UserID: 'zhangsan', ExternalUserID: ext });
    await app.pool.query(`DELETE FROM callback_inbox`);
    await app.pool.query(
      `INSERT INTO callback_inbox (corp_id, event_key, event, change_type, priority, xml) VALUES ($1, 'k-lease', 'change_external_contact', 'del_follow_user', 3, $2)`,
      [creds.receiveId, xml('wmlease')]);
    const log = createLogger('silent', false);
    // Worker A takes the event and then stops renewing (its process is gone, or paused): heartbeats never come.
    let resumeA!: () => void;
    const a = new InboxProcessor(app.pool, log, { leaseMs: 1000, heartbeatMs: 60_000 }).register({
      'change_external_contact/del_follow_user': () => new Promise<void>((r) => { resumeA = r; }),
    });
    const claimedByA = a.runOnce();
    const held = await waitFor(async () => (await app.pool.query(`SELECT locked_by, locked_until FROM callback_inbox WHERE event_key = 'k-lease' AND locked_by IS NOT NULL`)).rows[0]);
    expect(held.locked_by).toBe(a.workerId);
    // Worker B renews what it holds: while it handles the event for longer than a lease, nobody else takes it.
    let handledByB = 0;
    let finishB!: () => void;
    const b = new InboxProcessor(app.pool, log, { leaseMs: 1000, heartbeatMs: 200 }).register({
      'change_external_contact/del_follow_user': async () => { handledByB++; await new Promise<void>((r) => { finishB = r; }); throw new Error('B fails this time'); },
    });
    const c = new InboxProcessor(app.pool, log, { leaseMs: 1000 });
    const started = Date.now();
    const claimedByB = waitFor(async () => (await b.runOnce()) > 0, { timeoutMs: 10_000, intervalMs: 50, message: 'B takes the event once A\'s lease ran out' });
    await waitFor(() => handledByB === 1, { timeoutMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(3_000);
    const renewedUntil = async () => (await app.pool.query(`SELECT locked_until FROM callback_inbox WHERE event_key = 'k-lease'`)).rows[0].locked_until as Date;
    const first = await renewedUntil();
    await waitFor(async () => (await renewedUntil()) > first, { timeoutMs: 3_000, message: 'B renews its lease' });
    await waitFor(async () => (await renewedUntil()).getTime() > started + 3_500, { timeoutMs: 6_000, message: 'B still holds it past several leases' });
    expect(await c.runOnce()).toBe(0);
    // B's attempt fails: the event waits for its retry. A wakes up and finishes its handler: its claim is over, so the
    // event is not marked done behind B's back.
    finishB();
    await claimedByB;
    resumeA();
    expect(await claimedByA).toBe(1);
    const { rows: [row] } = await app.pool.query(`SELECT status, error, locked_by, attempts FROM callback_inbox WHERE event_key = 'k-lease'`);
    expect(row).toEqual({ status: 'pending', error: 'B fails this time', locked_by: null, attempts: 2 });
  });

  it('keeps its leases and hears new work when its listening connection is cut (pg_terminate_backend)', async () => {
    const event = (changeType: string, ext: string) => buildEventXml({
      ToUserName: creds.receiveId, CreateTime: 1732400003, Event: 'change_external_contact', ChangeType: changeType, UserID: 'zhangsan', ExternalUserID: ext,
    });
    await app.pool.query(`DELETE FROM callback_inbox`);
    const log = createLogger('silent', false);
    const handled: string[] = [];
    let finish!: () => void;
    const finished = new Promise<void>((r) => { finish = r; });
    // X handles one event for longer than several leases. Its claim loops poll once a minute: only a NOTIFY wakes them.
    const x = new InboxProcessor(app.pool, log, { leaseMs: 1000, heartbeatMs: 200, pollMs: 60_000 }).register({
      'change_external_contact/del_follow_user': async (ctx) => { handled.push(`x:${ctx.ev.ExternalUserID}`); await finished; },
      'change_external_contact/add_external_contact': (ctx) => { handled.push(`x:${ctx.ev.ExternalUserID}`); return Promise.resolve(); },
    });
    const y = new InboxProcessor(app.pool, log, { leaseMs: 1000 }).register({
      'change_external_contact/del_follow_user': (ctx) => { handled.push(`y:${ctx.ev.ExternalUserID}`); return Promise.resolve(); },
    });
    const listener = async () => (await app.pool.query<{ pid: number; state: string }>(
      `SELECT pid, state FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [LISTENER_APPLICATION_NAME])).rows;
    await x.start();
    try {
      const [first] = await waitFor(async () => { const l = await listener(); return l.length === 1 && l; }, { message: 'X listens' });
      await app.pool.query(
        `INSERT INTO callback_inbox (corp_id, event_key, event, change_type, priority, xml) VALUES ($1, 'k-long', 'change_external_contact', 'del_follow_user', 3, $2)`,
        [creds.receiveId, event('del_follow_user', 'wmlong')]);
      await notifyInbox(app.pool);
      await waitFor(() => handled.includes('x:wmlong'), { message: 'X takes the event' });

      // The listening connection's backend goes away while X handles the event (a restart, a proxy's idle timeout…).
      const { rows: [cut] } = await app.pool.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [first.pid]);
      expect(cut.ok).toBe(true);
      const cutAt = Date.now();
      // X still renews its lease: for three leases after the cut, another worker finds nothing to take.
      let takenByY = 0;
      const lockedUntil = async () => (await app.pool.query<{ locked_until: Date | null }>(
        `SELECT locked_until FROM callback_inbox WHERE event_key = 'k-long'`)).rows[0].locked_until;
      const renewedPastThreeLeases = async () => ((await lockedUntil())?.getTime() ?? 0) > cutAt + 4_000;
      await waitFor(async () => {
        takenByY += await y.runOnce();
        return takenByY > 0 || await renewedPastThreeLeases();
      }, { timeoutMs: 10_000, intervalMs: 100, message: 'X renews its lease past three leases after the cut' });
      expect(takenByY).toBe(0);
      expect(await renewedPastThreeLeases()).toBe(true);

      // X listens again on a new connection: a NOTIFY wakes it for new work.
      await waitFor(async () => (await listener()).some((l) => l.pid !== first.pid && l.state === 'idle'), { message: 'X listens again' });
      await app.pool.query(
        `INSERT INTO callback_inbox (corp_id, event_key, event, change_type, priority, xml) VALUES ($1, 'k-after', 'change_external_contact', 'add_external_contact', 0, $2)`,
        [creds.receiveId, event('add_external_contact', 'wmafter')]);
      await notifyInbox(app.pool);
      await waitFor(() => handled.includes('x:wmafter'), { timeoutMs: 5_000, message: 'the NOTIFY wakes X' });

      finish();
      await waitFor(async () => (await app.pool.query(`SELECT 1 FROM callback_inbox WHERE event_key = 'k-long' AND status = 'done'`)).rowCount);
      const { rows } = await app.pool.query(`SELECT event_key, status, attempts, locked_by FROM callback_inbox ORDER BY event_key`);
      expect(rows).toEqual([
        { event_key: 'k-after', status: 'done', attempts: 1, locked_by: null },
        { event_key: 'k-long', status: 'done', attempts: 1, locked_by: null },
      ]);
      expect(handled).toEqual(['x:wmlong', 'x:wmafter']);
    } finally {
      finish();
      await x.stop();
    }
    expect(await listener()).toEqual([]);
  });
});
