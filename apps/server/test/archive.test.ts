// Chat archive (issue 16): the simulator's archive interface (same item shapes and encryption the Finance SDK gives)
// pulled into archived_messages — every message shape normalised, exactly once across a crash mid-batch and concurrent
// pulls, customers who did not agree left out, search with Chinese phrasing, staff scope, the retention purge, and
// bad input named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let chatId: string;
let owner: string;
let wechatUser: string;
let ext: string;
let friendOf: string;

const sim = () => pond.app.sim!.control;
/** Pulls until this call (not a background job holding the cursor) has taken everything up to now. */
const pull = () => waitFor(async () => !(await pond.app.archive.ingest.pullAll(pond.corpId)).busy, { message: 'archive pull' });
const q = <T = any>(sql: string, values: unknown[] = []) => pond.app.pool.query(sql, values).then((r) => r.rows as T[]);
const byMsgid = async (msgid: string) => (await q('SELECT * FROM archived_messages WHERE corp_id = $1 AND msgid = $2', [pond.corpId, msgid]))[0];

beforeAll(async () => {
  pond = await startTestPond();
  // A demo customer who is in a group and a friend of a member (1:1).
  const [row] = await q<{ chat_id: string; owner: string; wechat_user_id: string; member_id: string; userid: string }>(
    `SELECT g.chat_id, g.owner, m.wechat_user_id, m.member_id, f.userid
       FROM wecom_sim.group_members m JOIN wecom_sim.groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id
       JOIN wecom_sim.follows f ON f.corp_id = m.corp_id AND f.external_userid = m.member_id AND f.status = 'active'
      WHERE m.corp_id = $1 AND m.type = 2 AND m.left_at IS NULL AND m.wechat_user_id IS NOT NULL AND g.dismissed_at IS NULL
      ORDER BY g.chat_id, m.member_id LIMIT 1`, [pond.corpId]);
  expect(row).toBeTruthy();
  ({ chat_id: chatId, owner, wechat_user_id: wechatUser, member_id: ext, userid: friendOf } = row!);
}, 120_000);

afterAll(async () => { await pond?.close(); });

describe('chat archive', () => {
  it('normalises every shape the simulator emits: text, link, image, mini-program, card, staff 1:1, revoke', async () => {
    const text = await sim().sayInGroup(wechatUser, chatId, '请问我的物流信息怎么查询？');
    const link = await sim().sayInGroup(wechatUser, chatId, { msgtype: 'link', link: { title: '限时团购', desc: '今晚八点开团', url: 'https://shop.example.com/g/1' } });
    const image = await sim().sayInGroup(wechatUser, chatId, { msgtype: 'image', image: { media_id: 'photo-1' } });
    const weapp = await sim().sayInGroup(wechatUser, chatId, { msgtype: 'miniprogram', miniprogram: { title: '会员小程序', appid: 'wxapp123', page: 'pages/index' } });
    const card = await sim().sayInGroup(wechatUser, chatId, { msgtype: 'card', card: { corpname: '某某广告公司', userid: 'ad_seller' } });
    const staff = await sim().staffSendMessage(friendOf, ext, '您好，物流单号稍后发您', { corpId: pond.corpId });
    const mine = await sim().sendMessage(wechatUser, friendOf, '好的谢谢', { corpId: pond.corpId });
    const recall = await sim().recallMessage(pond.corpId, link.msgid);
    await pull();

    const t = await byMsgid(text.msgid);
    expect(t).toMatchObject({ type: 'text', action: 'send', sender: ext, sender_kind: 'customer', chat_id: chatId, peer: null, external_userid: ext, userid: null, text: '请问我的物流信息怎么查询？' });
    expect(t.search_text.split(' ')).toEqual(expect.arrayContaining(['物流', '信息', '查询']));
    const l = await byMsgid(link.msgid);
    expect(l).toMatchObject({ type: 'link', text: '限时团购 今晚八点开团' });
    expect(l.payload).toMatchObject({ link_url: 'https://shop.example.com/g/1', title: '限时团购' });
    expect(l.recalled_at).not.toBeNull();
    const i = await byMsgid(image.msgid);
    expect(i.type).toBe('image');
    expect(i.payload.sdkfileid).toMatch(/^sdk/);
    expect(i.payload.filesize).toBeGreaterThan(0);
    const w = await byMsgid(weapp.msgid);
    expect(w).toMatchObject({ type: 'weapp', text: expect.stringContaining('会员小程序') });
    expect(w.payload.username).toBe('wxapp123@app');
    const c = await byMsgid(card.msgid);
    expect(c).toMatchObject({ type: 'card', text: '某某广告公司' });
    expect(c.payload.userid).toBe('ad_seller');
    const s = await byMsgid(staff.msgid);
    expect(s).toMatchObject({ type: 'text', sender: friendOf, sender_kind: 'staff', chat_id: null, peer: ext, external_userid: ext, userid: friendOf });
    const m = await byMsgid(mine.msgid);
    expect(m).toMatchObject({ sender: ext, peer: friendOf, chat_id: null, external_userid: ext, userid: friendOf });
    const r = await byMsgid(recall.msgid);
    expect(r).toMatchObject({ type: 'revoke', action: 'recall' });
    expect(r.payload.pre_msgid).toBe(link.msgid);

    // The API shows them, with names; the timeline gets one "spoke in the group" event for the day, not one per line.
    const res = await pond.api('GET', `/api/groups/${chatId}/messages?limit=20`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((x: any) => x.msgid)).toEqual(expect.arrayContaining([text.msgid, card.msgid]));
    expect(res.body.items.find((x: any) => x.msgid === link.msgid).recalled).toBe(true);
    const spoke = await q(`SELECT count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'message.group' AND chat_id = $3`, [pond.corpId, ext, chatId]);
    expect(spoke[0].n).toBe(1);
    const customer = await pond.api('GET', `/api/customers/${ext}/messages`);
    expect(customer.body.items.map((x: any) => x.msgid)).toEqual(expect.arrayContaining([staff.msgid, mine.msgid, text.msgid]));
  });

  it('leaves out customers who did not agree, and takes them in after they agree', async () => {
    await sim().setArchiveConsent(wechatUser, friendOf, false, { corpId: pond.corpId });
    const hidden1 = await sim().sayInGroup(wechatUser, chatId, '这句不该被存档');
    const hidden2 = await sim().staffSendMessage(friendOf, ext, '给不同意存档客户的私聊', { corpId: pond.corpId });
    const staffInGroup = await sim().sayInGroup(owner, chatId, '群主在群里说话照常存档');
    await pull();
    expect(await byMsgid(hidden1.msgid)).toBeUndefined();
    expect(await byMsgid(hidden2.msgid)).toBeUndefined();
    expect(await byMsgid(staffInGroup.msgid)).toBeTruthy();
    const disagree = await q(`SELECT * FROM archived_messages WHERE corp_id = $1 AND type = 'disagree' AND external_userid = $2`, [pond.corpId, ext]);
    expect(disagree).toHaveLength(1);
    expect((await q(`SELECT agreed FROM archive_consents WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, ext]))[0].agreed).toBe(false);
    const cursor = (await pond.api('GET', '/api/archive/settings')).body.cursor;
    expect(cursor.skippedNoConsent).toBeGreaterThanOrEqual(2);

    await sim().setArchiveConsent(wechatUser, friendOf, true, { corpId: pond.corpId });
    const shown = await sim().sayInGroup(wechatUser, chatId, '同意之后的话会存档');
    await pull();
    expect(await byMsgid(shown.msgid)).toBeTruthy();
  });

  it('stores and hands each message to listeners exactly once across a crash mid-batch and concurrent pulls', async () => {
    await q('CREATE TABLE IF NOT EXISTS archive_test_seen (msgid text NOT NULL)');
    let crash = true;
    pond.app.archive.register({
      name: 'test-counter',
      async onMessages(db, _corpId, messages) {
        await db.query('INSERT INTO archive_test_seen (msgid) SELECT unnest($1::text[])', [messages.map((m) => m.msgid)]);
        // The first batch dies after storing and counting, before the cursor moves: the session is killed, as a crash would.
        if (crash && messages.some((m) => m.text.startsWith('压测'))) {
          crash = false;
          await db.query('SELECT pg_terminate_backend(pg_backend_pid())');
        }
      },
    });
    const before = (await pond.api('GET', '/api/archive/settings')).body.cursor.seq;
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) sent.push((await sim().sayInGroup(i % 3 === 0 ? owner : wechatUser, chatId, `压测消息 ${i}`)).msgid);
    // This pull — or the background one msgaudit_notify woke, which runs the same listeners — dies mid-batch.
    const first = await pond.app.archive.ingest.pullOnce(pond.corpId).then(() => null, (err: Error) => err);
    await waitFor(() => !crash, { message: 'the crash' });
    if (first) expect((await q(`SELECT count(*)::int AS n FROM archived_messages WHERE corp_id = $1 AND msgid = ANY($2)`, [pond.corpId, sent]))[0].n).toBe(0);
    // Re-run: three pulls at once (and the background job woken by msgaudit_notify) — one of them takes each batch.
    await Promise.all([pull(), pull(), pull()]);
    await pull();
    const stored = await q(`SELECT msgid, count(*)::int AS n FROM archived_messages WHERE corp_id = $1 AND msgid = ANY($2) GROUP BY msgid`, [pond.corpId, sent]);
    expect(stored).toHaveLength(30);
    const seen = await q(`SELECT msgid, count(*)::int AS n FROM archive_test_seen WHERE msgid = ANY($1) GROUP BY msgid`, [sent]);
    expect(seen).toHaveLength(30);
    expect(seen.every((r) => r.n === 1)).toBe(true);
    expect((await pond.api('GET', '/api/archive/settings')).body.cursor.seq).toBeGreaterThan(before);
  });

  it('pipelined batches: a batch fetched ahead is used only where the cursor still is; every message once', async () => {
    await q('CREATE TABLE IF NOT EXISTS archive_test_seen (msgid text NOT NULL)');
    await pull();
    const sent: string[] = [];
    for (let i = 0; i < 14; i++) sent.push((await sim().sayInGroup(wechatUser, chatId, `流水线 ${i}`)).msgid);
    const ingest = pond.app.archive.ingest;
    const once = async (o: Parameters<typeof ingest.pullOnce>[1]) => waitFor(async () => { const r = await ingest.pullOnce(pond.corpId, o); return r.busy ? null : r; }, { message: 'a pull' });
    // A batch of 4 fetches the next 4 ahead; another pull moves the cursor past them; the stale batch is not used.
    // (archive_test_seen is filled by the counting listener the test before registered.)
    const r1 = await once({ limit: 4, prefetch: true });
    expect(r1.ahead).toBeDefined();
    const r2 = await once({ limit: 4 });
    expect(r2.seq).toBeGreaterThan(r1.seq);
    const r3 = await once({ limit: 4, ahead: r1.ahead, prefetch: true });
    expect(r3.seq).toBeGreaterThan(r2.seq);
    // This one's ahead starts where the cursor is: used.
    const r4 = await once({ limit: 4, ahead: r3.ahead });
    expect(r4.seq).toBeGreaterThan(r3.seq);
    await pull();
    const seen = await q(`SELECT msgid, count(*)::int AS n FROM archive_test_seen WHERE msgid = ANY($1) GROUP BY msgid`, [sent]);
    expect(seen).toHaveLength(14);
    expect(seen.every((r) => r.n === 1)).toBe(true);
    expect((await q(`SELECT count(*)::int AS n FROM archived_messages WHERE corp_id = $1 AND msgid = ANY($2)`, [pond.corpId, sent]))[0].n).toBe(14);
  });

  it('downloads messages\' files through GetMediaData in pieces, once; finds a real QR code and flags only that image', async () => {
    const { default: QRCode } = await import('qrcode');
    const client = await pond.app.corps.client(pond.corpId);
    const upload = async (type: 'image' | 'file', filename: string, contentType: string, data: Buffer) => (await client.mediaUpload(type, { filename, contentType, data })).media_id;
    const qrPng = await QRCode.toBuffer('https://spam.example.com/join', { type: 'png', width: 240 });
    const qrId = await upload('image', 'qr.png', 'image/png', qrPng);
    // Over one GetMediaData piece (512 KiB): fetched in two, joined in order.
    const big = Buffer.alloc(700 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251;
    const bigId = await upload('file', 'price-list.bin', 'application/octet-stream', big);
    const withQr = await sim().sayInGroup(wechatUser, chatId, { msgtype: 'image', image: { media_id: qrId } });
    const plain = await sim().sayInGroup(wechatUser, chatId, { msgtype: 'image', image: { media_id: 'a-photo-without-code' } });
    const file = await sim().sayInGroup(wechatUser, chatId, { msgtype: 'file', file: { media_id: bigId, filename: 'price-list.bin' } });
    const huge = await sim().sayInGroup(wechatUser, chatId, { msgtype: 'file', file: { media_id: bigId, filename: 'movie.bin', filesize: 300 * 1024 * 1024 } });
    await pull();
    const media = (msgid: string) => q(`SELECT * FROM archive_media WHERE corp_id = $1 AND msgid = $2`, [pond.corpId, msgid]).then((r) => r[0]);
    const ids = [withQr.msgid, plain.msgid, file.msgid, huge.msgid];
    expect((await q(`SELECT count(*)::int AS n FROM archive_media WHERE corp_id = $1 AND msgid = ANY($2)`, [pond.corpId, ids]))[0].n).toBe(4);
    // Two downloaders at once (and the background job): each file is stored once.
    await Promise.all([pond.app.archive.ingest.media.fetchDue(pond.corpId), pond.app.archive.ingest.media.fetchDue(pond.corpId)]);
    await waitFor(async () => (await Promise.all(ids.map(media))).every((m) => m.status !== 'pending'), { message: 'files downloaded' });
    const [a, b, c, d] = await Promise.all(ids.map(media));
    expect(a).toMatchObject({ status: 'stored', content_type: 'image/png', qr: 'https://spam.example.com/join', attempts: 1 });
    expect(Buffer.compare(a.bytes, qrPng)).toBe(0);
    expect(b).toMatchObject({ status: 'stored', content_type: 'image/png', qr: '' });
    expect(c).toMatchObject({ status: 'stored', size: big.length, filename: 'price-list.bin' });
    expect(Buffer.compare(c.bytes, big)).toBe(0);
    expect(d).toMatchObject({ status: 'too_large', bytes: null });
    // Moderation's QR rule: the image with a code, not the one without.
    const rules = async (msgid: string) => (await q(`SELECT rule FROM moderation_violations WHERE corp_id = $1 AND msgid = $2`, [pond.corpId, msgid])).map((r) => r.rule);
    expect(await rules(withQr.msgid)).toEqual(['qr']);
    expect(await rules(plain.msgid)).toEqual([]);
    // The message views carry the file; its bytes are served to whoever may see the message.
    const listed = (await pond.api('GET', `/api/groups/${encodeURIComponent(chatId)}/messages?limit=50`)).body.items;
    expect(listed.find((m: any) => m.msgid === withQr.msgid).media).toMatchObject({ status: 'stored', contentType: 'image/png', qr: 'https://spam.example.com/join' });
    const row = listed.find((m: any) => m.msgid === file.msgid);
    const res = await fetch(`${pond.baseUrl}/api/archive/messages/${row.id}/media`, { headers: { authorization: `Bearer ${pond.token}` } });
    expect(res.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), big)).toBe(0);
  });

  it('retries a failed download once, then records it failed', async () => {
    const { ArchiveMedia } = await import('../src/modules/archive/media');
    const photo = await sim().sayInGroup(wechatUser, chatId, { msgtype: 'image', image: { media_id: 'flaky-photo' } });
    const broken = await sim().sayInGroup(wechatUser, chatId, { msgtype: 'image', image: { media_id: 'broken-photo' } });
    // Downloads elsewhere stopped: only the instance below fetches. The app's own downloader stops working (a sent job
    // wakes it at once, so pushing the rows' due time back after the pull would race it), and the rows are due far in the
    // future for any other.
    await pond.app.queue.boss.offWork('archive.media');
    await pull();
    await q(`UPDATE archive_media SET next_at = now() + interval '1 day' WHERE corp_id = $1 AND msgid = ANY($2) AND status = 'pending'`, [pond.corpId, [photo.msgid, broken.msgid]]);
    const calls = new Map<string, number>();
    const flaky = new ArchiveMedia(pond.app.pool, pond.app.archive.settings, undefined as never, pond.app.log, () => [], () => ({
      pull: async () => [], decrypt: async () => [],
      async media(sdkfileid) {
        const n = (calls.get(sdkfileid) ?? 0) + 1;
        calls.set(sdkfileid, n);
        if (Buffer.from(sdkfileid.slice(3), 'base64url').toString() === 'broken-photo' || n === 1) throw new Error(`sidecar down (${n})`);
        return { data: Buffer.from('89504e470d0a1a0a', 'hex'), outindexbuf: '', isFinish: true };
      },
    }));
    const due = () => q(`UPDATE archive_media SET next_at = now() WHERE corp_id = $1 AND msgid = ANY($2) AND status = 'pending'`, [pond.corpId, [photo.msgid, broken.msgid]]);
    await due();
    await flaky.fetchDue(pond.corpId);
    expect((await q(`SELECT status, attempts FROM archive_media WHERE corp_id = $1 AND msgid = $2`, [pond.corpId, photo.msgid]))[0]).toEqual({ status: 'pending', attempts: 1 });
    await due();
    await flaky.fetchDue(pond.corpId);
    await due();
    await flaky.fetchDue(pond.corpId);
    const [p1] = await q(`SELECT status, attempts FROM archive_media WHERE corp_id = $1 AND msgid = $2`, [pond.corpId, photo.msgid]);
    const [b1] = await q(`SELECT status, attempts, last_error FROM archive_media WHERE corp_id = $1 AND msgid = $2`, [pond.corpId, broken.msgid]);
    expect(p1).toEqual({ status: 'stored', attempts: 2 });
    expect(b1).toMatchObject({ status: 'failed', attempts: 2 });
    expect(b1.last_error).toContain('sidecar down (2)');
    // A fetch that never finished on its last allowed try (the process died: no failure recorded) is given up once its
    // lease runs out, without another call.
    const died = await sim().sayInGroup(wechatUser, chatId, { msgtype: 'image', image: { media_id: 'photo-that-kills' } });
    await pull();
    await q(`UPDATE archive_media SET attempts = 2, next_at = now() WHERE corp_id = $1 AND msgid = $2`, [pond.corpId, died.msgid]);
    const before = calls.size;
    await flaky.fetchDue(pond.corpId);
    expect(calls.size).toBe(before);
    expect((await q(`SELECT status, attempts, last_error FROM archive_media WHERE corp_id = $1 AND msgid = $2`, [pond.corpId, died.msgid]))[0])
      .toEqual({ status: 'failed', attempts: 2, last_error: 'gave up: the last fetch never finished' });
  });

  it('finds messages by Chinese phrasing (segmented words), not by unrelated words', async () => {
    const a = await sim().sayInGroup(wechatUser, chatId, '请问快递的物流信息在哪里看');
    const b = await sim().sayInGroup(wechatUser, chatId, '我想申请退款');
    await pull();
    const search = async (text: string) => (await pond.api('GET', `/api/archive/messages?q=${encodeURIComponent(text)}&limit=100`)).body.items.map((x: any) => x.msgid);
    expect(await search('物流信息')).toContain(a.msgid);
    expect(await search('物流 信息')).toContain(a.msgid);
    expect(await search('查看物流')).not.toContain(b.msgid);
    expect(await search('退款')).toEqual(expect.arrayContaining([b.msgid]));
    expect(await search('退款')).not.toContain(a.msgid);
    expect(await search('！？')).toEqual([]);
  });

  it('shows staff only their groups and 1:1 chats', async () => {
    const { rows: [other] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND userid <> $2 AND userid <> $3 ORDER BY userid LIMIT 1`, [pond.corpId, owner, friendOf]);
    const mineTok = (await pond.app.auth.createToken({ corpId: pond.corpId, name: 'owner', role: 'staff', staffUserid: owner })).token;
    const otherTok = (await pond.app.auth.createToken({ corpId: pond.corpId, name: 'other', role: 'staff', staffUserid: other.userid })).token;
    const mine = await pond.api('GET', '/api/archive/messages?limit=200', undefined, { token: mineTok });
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((x: any) => x.chatId === chatId || (x.chatId === null && x.userid === owner))).toBe(true);
    const theirs = await pond.api('GET', `/api/archive/messages?chatId=${chatId}`, undefined, { token: otherTok });
    expect(theirs.status).toBe(400);
    expect((await pond.api('GET', `/api/groups/${chatId}/messages`, undefined, { token: otherTok })).status).toBe(404);
    const all = await pond.api('GET', '/api/archive/messages?limit=200', undefined, { token: otherTok });
    expect(all.body.items.every((x: any) => x.chatId !== chatId && (x.chatId !== null || x.userid === other.userid))).toBe(true);
    // Settings and the manual pull are admins'.
    expect((await pond.api('GET', '/api/archive/settings', undefined, { token: mineTok })).status).toBe(403);
  });

  it('purges messages past the corp\'s retention', async () => {
    const old = await sim().sayInGroup(wechatUser, chatId, '很久以前的消息');
    const fresh = await sim().sayInGroup(wechatUser, chatId, '新的消息');
    await pull();
    await q(`UPDATE archived_messages SET sent_at = now() - interval '200 days' WHERE corp_id = $1 AND msgid = $2`, [pond.corpId, old.msgid]);
    expect((await pond.api('PUT', '/api/archive/settings', { retentionDays: 180 })).status).toBe(200);
    const n = await pond.app.archive.ingest.purge(pond.corpId, 180);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(await byMsgid(old.msgid)).toBeUndefined();
    expect(await byMsgid(fresh.msgid)).toBeTruthy();
  });

  it('names the field of bad input and keeps secrets out of answers', async () => {
    const limit = await pond.api('GET', '/api/archive/messages?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.body.error.message).toMatch(/limit/);
    expect((await pond.api('GET', '/api/archive/messages?type=sticker')).status).toBe(400);
    const key = await pond.api('PUT', '/api/archive/settings', { privateKeys: [{ version: 2, privateKey: 'not a key' }] });
    expect(key.status).toBe(400);
    expect(key.body.error.message).toMatch(/privateKeys\.0\.privateKey/);
    expect((await pond.api('PUT', '/api/archive/settings', { retentionDays: 0 })).status).toBe(400);
    expect((await pond.api('PUT', '/api/archive/settings', { sidecarUrl: 'ftp://x' })).status).toBe(400);
    expect((await pond.api('PUT', '/api/archive/settings', { unknown: 1 })).status).toBe(400);
    const view = await pond.api('GET', '/api/archive/settings');
    expect(view.body).toMatchObject({ enabled: true, secretSet: true, keyVersions: [1] });
    expect(JSON.stringify(view.body)).not.toMatch(/PRIVATE KEY|secret"\s*:\s*"/);
  });
});
