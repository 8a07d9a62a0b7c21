// Moments (客户朋友圈) through the simulator: composed with images from the media library (uploaded with
// media/upload_attachment), issued with exactly one add_moment_task however often the request or the job runs
// (concurrent calls, an interrupted call looked up in get_moment_list), WeCom's job read for the moment id, a
// post_moment task per sender, the staff member publishing in the simulator, reach and the contact budget
// settled, likes and comments onto the customers' timelines with the auto-tag, reminders, cancel, media kept
// fresh for a scheduled moment, moments made in WeCom read back, and what store managers and staff see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';

let pond: TestPond;
const q = async <T = any>(sql: string, values: unknown[] = []) => (await pond.app.pool.query(sql, values)).rows as T[];

/** A PNG header naming its size (the bytes after IHDR do not matter to anyone here). */
function png(width: number, height: number): Buffer {
  const b = Buffer.alloc(64);
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(b, 0);
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}
/** An MP4 with only a movie header: `seconds` long. */
function mp4(secs: number): Buffer {
  const mvhd = Buffer.alloc(8 + 100);
  mvhd.writeUInt32BE(mvhd.length, 0);
  mvhd.write('mvhd', 4, 'latin1');
  mvhd.writeUInt32BE(1000, 8 + 4 + 8); // timescale
  mvhd.writeUInt32BE(secs * 1000, 8 + 4 + 12); // duration
  const moov = Buffer.concat([Buffer.alloc(8), mvhd]);
  moov.writeUInt32BE(moov.length, 0);
  moov.write('moov', 4, 'latin1');
  const ftyp = Buffer.alloc(16);
  ftyp.writeUInt32BE(16, 0);
  ftyp.write('ftypisom', 4, 'latin1');
  return Buffer.concat([ftyp, moov]);
}

async function upload(kind: string, filename: string, type: string, body: Buffer): Promise<number> {
  const res = await fetch(`${pond.baseUrl}/api/media?kind=${kind}&filename=${encodeURIComponent(filename)}`, {
    method: 'POST', headers: { authorization: `Bearer ${pond.token}`, 'content-type': type }, body,
  });
  const json = await res.json() as { id: number };
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json.id;
}

let img1 = 0;
let img2 = 0;
let hugeImg = 0;
let video = 0;
let longVideo = 0;
let coffeeTag = '';
let engagedTag = '';
const simMoments = async (text: string) => q<{ moment_id: string; canceled_at: string | null }>(
  `SELECT moment_id, canceled_at FROM wecom_sim.moments WHERE corp_id = $1 AND body->'text'->>'content' = $2`, [pond.corpId, text]);
const momentRow = async (id: number) => (await q('SELECT * FROM moments WHERE id = $1', [id]))[0];

beforeAll(async () => {
  pond = await startTestPond();
  img1 = await upload('image', 'latte.png', 'image/png', png(1080, 1080));
  img2 = await upload('image', 'cake.png', 'image/png', png(1440, 1080));
  hugeImg = await upload('image', 'poster.png', 'image/png', png(2000, 1000));
  video = await upload('video', 'clip.mp4', 'video/mp4', mp4(12));
  longVideo = await upload('video', 'long.mp4', 'video/mp4', mp4(45));
  coffeeTag = (await q(`SELECT id FROM tags WHERE corp_id = $1 AND name = '咖啡'`, [pond.corpId]))[0].id;
  const group = await pond.api('POST', '/api/tag-groups', { name: '朋友圈互动', tags: [{ name: '点赞评论过' }] });
  expect(group.status, JSON.stringify(group.body)).toBe(200);
  engagedTag = group.body.tags[0].id;
  // Moments count against customers' budgets; no quiet hours, so every planned send is due now.
  const policy = await pond.api('PUT', '/api/governance/policy', { countMoments: true, quietStart: null, quietEnd: null, minGapMinutes: 0, dedupeDays: 0, customerPerDay: 5, customerPerWeek: 10, customerPerMonth: 20 });
  expect(policy.status, JSON.stringify(policy.body)).toBe(200);
}, 180_000);
afterAll(async () => { await pond?.close(); });

describe('composing', () => {
  it('refuses what WeCom would refuse, naming the field, and stores nothing', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ text: 'x', attachments: [{ type: 'image', mediaId: img1 }, { type: 'video', mediaId: video }] }, 'attachments.1.type', /cannot mix image and video/],
      [{ text: 'x', attachments: [{ type: 'link', title: 'a', url: 'https://example.com/a', coverMediaId: img1 }, { type: 'link', title: 'b', url: 'https://example.com/b', coverMediaId: img1 }] }, 'attachments', /at most 1 link/],
      [{ attachments: [] }, 'text', /text or an attachment/],
      [{ text: 'x', attachments: Array.from({ length: 10 }, () => ({ type: 'image', mediaId: img1 })) }, 'attachments', /at most 9/],
      [{ text: '字'.repeat(1500) }, 'text', /4000 bytes/],
      [{ text: 'x', attachments: [{ type: 'link', title: '标'.repeat(22), url: 'https://example.com', coverMediaId: img1 }] }, 'attachments.0.title', /64 bytes/],
      [{ text: 'x', attachments: [{ type: 'image', mediaId: hugeImg }] }, 'attachments.0.mediaId', /1555200 pixels/],
      [{ text: 'x', attachments: [{ type: 'video', mediaId: longVideo }] }, 'attachments.0.mediaId', /30 s/],
      [{ text: 'x', attachments: [{ type: 'video', mediaId: img1 }] }, 'attachments.0.mediaId', /must be a video/],
      [{ text: 'x', attachments: [{ type: 'image', mediaId: 999_999 }] }, 'attachments.0.mediaId', /not found|media/],
      [{ text: 'x', visibility: { tagIds: ['no-such-tag'] } }, 'visibility.tagIds.0', /tag/],
      [{ text: 'x', scheduledAt: '2001-01-01T00:00:00+08:00' }, 'scheduledAt', /past/],
    ];
    for (const [body, field, message] of cases) {
      const r = await pond.api('POST', '/api/moments', body);
      expect(r.status, `${field}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.field, JSON.stringify(r.body)).toBe(field);
      expect(r.body.error.message).toMatch(message);
    }
    expect((await q('SELECT count(*)::int AS n FROM moments'))[0].n).toBe(0);
  });
});

describe('a moment with images, from composing to the customers\' timelines', () => {
  let id = 0;
  let momentId = '';
  const text = '新品拿铁上市，到店第二杯半价 ☕';

  it('is issued at once: one add_moment_task with upload_attachment media, the moment id from its job, a task per sender', async () => {
    const preview = await pond.api('POST', '/api/moments/preview', { text, visibility: { staffUserids: ['zhangwei', 'wangli'], tagIds: [coffeeTag] } });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.senders).toBe(2);
    expect(preview.body.countsAgainstBudget).toBe(true);
    const visible = (await q(`SELECT count(DISTINCT external_userid)::int AS n FROM follows WHERE corp_id = $1 AND userid IN ('zhangwei', 'wangli') AND status = 'active' AND $2 = ANY(tag_ids)`, [pond.corpId, coffeeTag]))[0].n;
    expect(visible).toBeGreaterThan(0);
    expect(preview.body.customers).toBe(visible);
    expect(preview.body.budget.audience).toBe(visible);

    const r = await pond.api('POST', '/api/moments', {
      requestId: 'compose-latte-0001', text, attachments: [{ type: 'image', mediaId: img1 }, { type: 'image', mediaId: img2 }],
      visibility: { staffUserids: ['zhangwei', 'wangli'], tagIds: [coffeeTag] }, remindAfter: [30], autoTagId: engagedTag,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    id = r.body.id;
    expect(r.body.status).toBe('issued');
    expect(r.body.momentId).toMatch(/^mom/);
    momentId = r.body.momentId;
    expect(r.body.attachments.map((a: any) => [a.type, a.mediaId, a.filename])).toEqual([['image', img1, 'latte.png'], ['image', img2, 'cake.png']]);
    expect(r.body.counts.senders).toBe(2);
    expect(r.body.counts.planned).toBe(visible);
    // The same request again (a retry) answers the same moment and issues nothing more.
    const again = await pond.api('POST', '/api/moments', {
      requestId: 'compose-latte-0001', text, attachments: [{ type: 'image', mediaId: img1 }, { type: 'image', mediaId: img2 }],
      visibility: { staffUserids: ['zhangwei', 'wangli'], tagIds: [coffeeTag] },
    });
    expect(again.body.id).toBe(id);
    expect(await simMoments(text)).toHaveLength(1);
    expect((await momentRow(id)).calls).toBe(1);
    // WeCom got media ids from media/upload_attachment (the simulator refuses any other kind) and the tag filter.
    const [sim] = await q(`SELECT body FROM wecom_sim.moments WHERE corp_id = $1 AND moment_id = $2`, [pond.corpId, momentId]);
    expect(sim.body.attachments.map((a: any) => a.msgtype)).toEqual(['image', 'image']);
    expect(sim.body.tagList).toEqual([coffeeTag]);
    const attachIds = await q(`SELECT media_id FROM media_attachments WHERE asset_id = ANY($1::bigint[]) ORDER BY asset_id`, [[img1, img2]]);
    expect(sim.body.attachments.map((a: any) => a.image.media_id)).toEqual(attachIds.map((a) => a.media_id));
    // Each sender has a post_moment task, told by the task inbox.
    const tasks = await pond.api('GET', `/api/tasks?sourceKind=moment&sourceId=${id}`);
    expect(tasks.status, JSON.stringify(tasks.body)).toBe(200);
    expect(tasks.body.items.map((t: any) => [t.ownerUserid, t.kind, t.status]).sort()).toEqual([['wangli', 'post_moment', 'pending'], ['zhangwei', 'post_moment', 'pending']]);
    // The budget: every visible customer planned through the moment channel.
    const ledger = await q(`SELECT status, channel, via, count(*)::int AS n FROM contact_ledger WHERE corp_id = $1 AND source_kind = 'moment' AND source_id = $2 GROUP BY 1, 2, 3`, [pond.corpId, id]);
    expect(ledger).toEqual([{ status: 'planned', channel: 'moment', via: 'moment', n: visible }]);
  });

  it('follows the staff member publishing in WeCom: their task is done, their customers reached, the budget spent', async () => {
    await pond.app.sim!.control.publishMoment('zhangwei', momentId, { corpId: pond.corpId });
    await pond.app.moments.poll(id);
    const detail = await pond.api('GET', `/api/moments/${id}`);
    expect(detail.status, JSON.stringify(detail.body)).toBe(200);
    const byUser = Object.fromEntries(detail.body.senders.map((s: any) => [s.userid, s]));
    expect(byUser.zhangwei.published).toBe(true);
    expect(byUser.wangli.published).toBe(false);
    const zhangweiCoffee = (await q(`SELECT external_userid FROM follows WHERE corp_id = $1 AND userid = 'zhangwei' AND status = 'active' AND $2 = ANY(tag_ids)`, [pond.corpId, coffeeTag])).map((r) => r.external_userid);
    expect(zhangweiCoffee.length).toBeGreaterThan(0);
    expect(byUser.zhangwei.reach).toBe(zhangweiCoffee.length);
    expect(detail.body.counts.reach).toBe(zhangweiCoffee.length);
    const tasks = await pond.api('GET', `/api/tasks?sourceKind=moment&sourceId=${id}`);
    expect(tasks.status, JSON.stringify(tasks.body)).toBe(200);
    expect(Object.fromEntries(tasks.body.items.map((t: any) => [t.ownerUserid, [t.status, t.doneVia]]))).toEqual({ zhangwei: ['done', 'wecom'], wangli: ['pending', null] });
    // Reached customers: their planned attempt is now sent, and on their ledger.
    const sent = await q(`SELECT target_id FROM contact_ledger WHERE corp_id = $1 AND source_kind = 'moment' AND source_id = $2 AND status = 'sent' ORDER BY 1`, [pond.corpId, id]);
    const reachedPlanned = (await q(`SELECT external_userid FROM moment_customers WHERE moment_id = $1 AND reached_at IS NOT NULL AND plan_status = 'planned' ORDER BY 1`, [id])).map((r) => r.external_userid);
    expect(sent.map((r) => r.target_id)).toEqual(reachedPlanned);
    expect(reachedPlanned.length).toBeGreaterThan(0);
    const contacts = await pond.api('GET', `/api/customers/${reachedPlanned[0]}/contacts`);
    expect(contacts.body.items.some((c: any) => c.channel === 'moment' && c.status === 'sent' && c.sourceId === id)).toBe(true);
    // Reading again changes nothing.
    await pond.app.moments.poll(id);
    expect((await q(`SELECT count(*)::int AS n FROM contact_ledger WHERE source_kind = 'moment' AND source_id = $1 AND status = 'sent'`, [id]))[0].n).toBe(sent.length);
  });

  it('puts customers\' likes and comments on their timelines and tags the engaged customers', async () => {
    const control = pond.app.sim!.control;
    const audience = (await q(`SELECT c.external_userid, c.wechat_user_id FROM wecom_sim.customers c
      JOIN wecom_sim.moment_audience a ON a.corp_id = c.corp_id AND a.external_userid = c.external_userid
     WHERE a.corp_id = $1 AND a.moment_id = $2 AND a.userid = 'zhangwei' ORDER BY c.external_userid LIMIT 2`, [pond.corpId, momentId]));
    expect(audience).toHaveLength(2);
    const [liker, commenter] = audience;
    await control.likeMoment(liker.wechat_user_id, momentId, 'zhangwei', { corpId: pond.corpId });
    await control.commentMoment(commenter.wechat_user_id, momentId, 'zhangwei', '看起来好好喝！', { corpId: pond.corpId });
    await control.likeMoment(commenter.wechat_user_id, momentId, 'zhangwei', { corpId: pond.corpId });
    await control.likeMoment('wangli', momentId, 'zhangwei', { corpId: pond.corpId }); // a colleague
    expect((await q(`SELECT tag_ids FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = 'zhangwei'`, [pond.corpId, liker.external_userid]))[0].tag_ids).not.toContain(engagedTag);
    await pond.app.moments.poll(id);

    const detail = await pond.api('GET', `/api/moments/${id}`);
    const zw = detail.body.senders.find((s: any) => s.userid === 'zhangwei');
    expect([zw.likes, zw.comments]).toEqual([3, 1]);
    expect([detail.body.counts.likes, detail.body.counts.comments]).toEqual([3, 1]);
    const list = await pond.api('GET', `/api/moments/${id}/interactions`);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.total).toBe(4);
    const names = new Map((await q(`SELECT external_userid, coalesce(nullif(f.remark, ''), c.name) AS name FROM customers c
      JOIN follows f USING (corp_id, external_userid) WHERE c.corp_id = $1 AND f.userid = 'zhangwei' AND c.external_userid = ANY($2::text[])`,
    [pond.corpId, [liker.external_userid, commenter.external_userid]])).map((r) => [r.external_userid, r.name]));
    const seen = list.body.items.map((i: any) => [i.kind, i.externalUserid, i.customerName, i.userid, i.senderName]).sort();
    expect(seen).toEqual([
      ['comment', commenter.external_userid, names.get(commenter.external_userid), null, '张伟'],
      ['like', commenter.external_userid, names.get(commenter.external_userid), null, '张伟'],
      ['like', liker.external_userid, names.get(liker.external_userid), null, '张伟'],
      ['like', null, null, 'wangli', '张伟'],
    ].sort());

    // On the customers' timelines, as sentences.
    const timeline = await pond.api('GET', `/api/customers/${commenter.external_userid}/timeline`);
    expect(timeline.status, JSON.stringify(timeline.body)).toBe(200);
    const events = timeline.body.items as any[];
    const moment = events.filter((e) => e.type.startsWith('moment.'));
    expect(moment.map((e) => e.type).sort()).toEqual(['moment.commented', 'moment.liked']);
    expect(moment.find((e) => e.type === 'moment.commented').summary.zh).toBe(`评论了张伟 的朋友圈「${(await momentRow(id)).name}」`);
    expect(moment.find((e) => e.type === 'moment.liked').summary.en).toContain('Liked 张伟\'s moment');

    // The auto-tag: on each engaged customer's relation with the sender, in WeCom and in Pond, on the timeline.
    for (const c of [liker, commenter]) {
      const [f] = await q(`SELECT tag_ids FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = 'zhangwei'`, [pond.corpId, c.external_userid]);
      expect(f.tag_ids).toContain(engagedTag);
      const sim = await control.getFollow(pond.corpId, 'zhangwei', c.external_userid);
      expect(sim?.tagIds).toContain(engagedTag);
    }
    const tagged = (await pond.api('GET', `/api/customers/${liker.external_userid}/timeline`)).body;
    const tagEvent = (tagged.items as any[]).find((e) => e.type === 'tag.added' && JSON.stringify(e.data ?? {}).includes(engagedTag));
    expect(tagEvent.summary.zh).toContain('点赞评论过');
    expect(tagEvent.summary.zh).toContain('自动打标签');
    // Once each: reading again adds nothing.
    const before = (await q(`SELECT count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND type LIKE 'moment.%'`, [pond.corpId]))[0].n;
    await pond.app.moments.poll(id);
    expect((await q(`SELECT count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND type LIKE 'moment.%'`, [pond.corpId]))[0].n).toBe(before);
    expect(before).toBe(3);
  });

  it('reminds the staff who have not posted at the operator\'s times, once each', async () => {
    // Only reminders count (the task inbox's clock may tell staff about their tasks meanwhile).
    const reminders = async (userid: string) => (await pond.app.sim!.control.listStaffMessages(pond.corpId, userid)).filter((m) => JSON.stringify(m.payload).includes('Reminder: post a moment'));
    const before = (await reminders('wangli')).length;
    const row = await momentRow(id);
    const due = await pond.app.moments.tick(new Date(row.issued_at.getTime() + 31 * 60_000));
    expect(due.reminders).toEqual([[id, 0]]);
    const msgs = await reminders('wangli');
    expect(msgs.length).toBe(before + 1);
    expect(JSON.stringify(msgs[0].payload)).toContain('task=');
    expect(await reminders('zhangwei')).toEqual([]);
    // The same time again: that reminder has gone out.
    const again = await pond.app.moments.tick(new Date(row.issued_at.getTime() + 32 * 60_000));
    expect(again.reminders).toEqual([]);
    expect((await reminders('wangli')).length).toBe(before + 1);
    const detail = await pond.api('GET', `/api/moments/${id}`);
    expect(detail.body.senders.find((s: any) => s.userid === 'wangli').reminders).toBe(1);
    // And by hand.
    const now = await pond.api('POST', `/api/moments/${id}/remind`, {});
    expect(now.status, JSON.stringify(now.body)).toBe(200);
    expect(now.body.reminded).toBe(1);
    // Through the app-message outbox, numbered, so WeCom's duplicate check does not hide the second one.
    expect((await reminders('wangli')).length).toBe(before + 2);
    const cards = await q(`SELECT dedupe_key, status FROM app_messages WHERE corp_id = $1 AND dedupe_key LIKE $2 ORDER BY id`, [pond.corpId, `moment:${id}:remind:wangli:%`]);
    expect(cards).toEqual([{ dedupe_key: `moment:${id}:remind:wangli:1`, status: 'sent' }, { dedupe_key: `moment:${id}:remind:wangli:2`, status: 'sent' }]);
  });

  it('shows a store manager and staff only the moments and posts of their staff', async () => {
    const stores = await q(`SELECT id, department_id FROM stores WHERE corp_id = $1 ORDER BY department_id`, [pond.corpId]);
    const store1 = stores.find((s) => s.department_id === 4).id;
    const store2 = stores.find((s) => s.department_id === 5).id;
    const mk = async (body: object) => (await pond.api('POST', '/api/tokens', { name: `m-${Math.random()}`, ...body })).body.token as string;
    const zhangwei = await mk({ role: 'staff', staffUserid: 'zhangwei' });
    const sunhao = await mk({ role: 'staff', staffUserid: 'sunhao' });
    const manager2 = await mk({ role: 'store_manager', storeIds: [Number(store2)] });
    const manager1 = await mk({ role: 'store_manager', storeIds: [Number(store1)] });
    const mine = await pond.api('GET', `/api/moments/${id}`, undefined, { token: zhangwei });
    expect(mine.status).toBe(200);
    expect(mine.body.senders.map((s: any) => s.userid)).toEqual(['zhangwei']);
    expect((await pond.api('GET', `/api/moments/${id}`, undefined, { token: sunhao })).status).toBe(404);
    expect((await pond.api('GET', `/api/moments/${id}`, undefined, { token: manager2 })).status).toBe(404);
    expect((await pond.api('GET', '/api/moments', undefined, { token: manager2 })).body.items.map((m: any) => m.id)).not.toContain(id);
    const m1 = await pond.api('GET', `/api/moments/${id}`, undefined, { token: manager1 });
    expect(m1.body.senders.map((s: any) => s.userid).sort()).toEqual(['wangli', 'zhangwei']);
    expect((await pond.api('POST', `/api/moments/${id}/cancel`, {}, { token: manager1 })).status).toBe(403);
  });

  it('cancels: WeCom stops it, open tasks are cancelled, budget not spent is released', async () => {
    const before = await q(`SELECT status, count(*)::int AS n FROM contact_ledger WHERE source_kind = 'moment' AND source_id = $1 GROUP BY 1 ORDER BY 1`, [id]);
    const planned = before.find((b) => b.status === 'planned')?.n ?? 0;
    const sentBefore = before.find((b) => b.status === 'sent')?.n ?? 0;
    expect(planned).toBeGreaterThan(0);
    const r = await pond.api('POST', `/api/moments/${id}/cancel`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.status).toBe('cancelled');
    expect((await simMoments(text))[0].canceled_at).not.toBeNull();
    const tasks = await pond.api('GET', `/api/tasks?sourceKind=moment&sourceId=${id}`);
    expect(tasks.status, JSON.stringify(tasks.body)).toBe(200);
    expect(Object.fromEntries(tasks.body.items.map((t: any) => [t.ownerUserid, t.status]))).toEqual({ zhangwei: 'done', wangli: 'cancelled' });
    const after = await q(`SELECT status, count(*)::int AS n FROM contact_ledger WHERE source_kind = 'moment' AND source_id = $1 GROUP BY 1 ORDER BY 1`, [id]);
    expect(after).toEqual([{ status: 'released', n: planned }, { status: 'sent', n: sentBefore }]);
    // Twice is the same.
    expect((await pond.api('POST', `/api/moments/${id}/cancel`, {})).body.status).toBe('cancelled');
    expect((await pond.api('POST', `/api/moments/${id}/remind`, {})).status).toBe(409);
    // The post made before the cancel stays up: its comments are still read.
    const [c] = await q(`SELECT c.external_userid, c.wechat_user_id FROM wecom_sim.customers c JOIN wecom_sim.moment_audience a USING (corp_id, external_userid)
      WHERE a.corp_id = $1 AND a.moment_id = $2 AND a.userid = 'zhangwei' ORDER BY c.external_userid DESC LIMIT 1`, [pond.corpId, momentId]);
    await pond.app.sim!.control.commentMoment(c.wechat_user_id, momentId, 'zhangwei', '取消了还能评论吗', { corpId: pond.corpId });
    const due = await pond.app.moments.tick(new Date(Date.now() + 11 * 60_000));
    expect(due.polls).toContain(id);
    const detail = await pond.api('GET', `/api/moments/${id}`);
    expect(detail.body.status).toBe('cancelled');
    expect(detail.body.counts.comments).toBe(2);
    expect((await q(`SELECT count(*)::int AS n FROM contact_ledger WHERE source_kind = 'moment' AND source_id = $1 AND status = 'sent'`, [id]))[0].n).toBe(sentBefore);
  });
});

describe('exactly once', () => {
  it('issues one add_moment_task under concurrent publish requests, jobs and clock passes', async () => {
    const text = `并发测试 ${Date.now()}`;
    const r = await pond.api('POST', '/api/moments', { text, scheduledAt: new Date(Date.now() + 3600_000).toISOString(), visibility: { staffUserids: ['zhaomin'] } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.status).toBe('scheduled');
    expect(await simMoments(text)).toHaveLength(0);
    const id = r.body.id as number;
    const results = await Promise.all([
      ...Array.from({ length: 6 }, () => pond.api('POST', `/api/moments/${id}/publish`, {})),
      ...Array.from({ length: 4 }, () => pond.app.moments.issue(id).then(() => null)),
      pond.app.moments.tick(new Date(Date.now() + 2 * 3600_000)).then(() => null),
    ]);
    for (const res of results) if (res) expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await simMoments(text)).toHaveLength(1);
    const row = await momentRow(id);
    expect(row.calls).toBe(1);
    expect(row.status).toBe('issued');
    expect(row.wecom_moment_id).toBe((await simMoments(text))[0].moment_id);
    // And again, later: nothing more.
    await Promise.all([pond.app.moments.issue(id), pond.app.moments.tick(new Date(Date.now() + 3 * 3600_000)), pond.api('POST', `/api/moments/${id}/publish`, {})]);
    expect(await simMoments(text)).toHaveLength(1);
    expect((await momentRow(id)).calls).toBe(1);
  });

  it('after a call that got no answer, finds the moment WeCom made instead of making another', async () => {
    const text = `中断测试 ${Date.now()}`;
    // Another moment of Pond's with the same content holds its own WeCom moment: the lookup must not take it.
    const other = await pond.api('POST', '/api/moments', { text, visibility: { staffUserids: ['zhaomin'] } });
    expect(other.body.status).toBe('issued');
    const r = await pond.api('POST', '/api/moments', { text, scheduledAt: new Date(Date.now() + 3600_000).toISOString(), visibility: { staffUserids: ['zhaomin'] } });
    const id = r.body.id as number;
    // A claimant called add_moment_task and died before storing the answer: the call reached WeCom.
    await q(`UPDATE moments SET status = 'issuing', issue_lease = 'gone', issue_lease_until = now() - interval '1 second',
               call_started_at = now() - interval '3 minutes', calls = 1 WHERE id = $1`, [id]);
    const client = await pond.app.corps.client(pond.corpId);
    await client.addMomentTask({ text: { content: text }, visible_range: { sender_list: { user_list: ['zhaomin'] } } });
    await pond.app.moments.issue(id);
    const sims = await simMoments(text);
    expect(sims).toHaveLength(2);
    const row = await momentRow(id);
    expect(row.wecom_moment_id).not.toBe(other.body.momentId);
    expect(sims.map((x) => x.moment_id)).toContain(row.wecom_moment_id);
    expect(row.status).toBe('issued');
    expect(row.calls).toBe(1);
  });

  it('after a call that never reached WeCom, issues it (once)', async () => {
    const text = `未送达测试 ${Date.now()}`;
    const r = await pond.api('POST', '/api/moments', { text, scheduledAt: new Date(Date.now() + 3600_000).toISOString(), visibility: { staffUserids: ['zhaomin'] } });
    const id = r.body.id as number;
    await q(`UPDATE moments SET status = 'issuing', issue_lease = 'gone', issue_lease_until = now() - interval '1 second',
               call_started_at = now() - interval '3 minutes', calls = 1 WHERE id = $1`, [id]);
    await Promise.all([pond.app.moments.issue(id), pond.app.moments.issue(id), pond.app.moments.issue(id)]);
    expect(await simMoments(text)).toHaveLength(1);
    const row = await momentRow(id);
    expect(row.calls).toBe(2);
    expect(row.status).toBe('issued');
  });

  it('a claimant still within its lease is not overtaken', async () => {
    const text = `租约测试 ${Date.now()}`;
    const r = await pond.api('POST', '/api/moments', { text, scheduledAt: new Date(Date.now() + 3600_000).toISOString(), visibility: { staffUserids: ['zhaomin'] } });
    const id = r.body.id as number;
    await q(`UPDATE moments SET status = 'issuing', issue_lease = 'alive', issue_lease_until = now() + interval '1 minute', call_started_at = now(), calls = 1 WHERE id = $1`, [id]);
    await pond.app.moments.issue(id);
    await pond.app.moments.tick(new Date());
    expect(await simMoments(text)).toHaveLength(0);
    expect((await momentRow(id)).calls).toBe(1);
    await q('DELETE FROM moments WHERE id = $1', [id]);
  });
});

describe('schedule, media, cancel before it goes out, read-back', () => {
  it('keeps a scheduled moment\'s media fresh until its time and uses a fresh upload_attachment id when it goes out', async () => {
    const text = `定时视频 ${Date.now()}`;
    const at = new Date(Date.now() + 5 * 86_400_000);
    const r = await pond.api('POST', '/api/moments', { text, attachments: [{ type: 'video', mediaId: video }], scheduledAt: at.toISOString(), visibility: { staffUserids: ['zhaomin'] } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const [first] = await q(`SELECT media_id, keep_until, expires_at FROM media_attachments WHERE asset_id = $1`, [video]);
    expect(first.keep_until.getTime()).toBe(at.getTime());
    // Three days on, the id is about to expire and the moment still needs it: uploaded again.
    const refreshed = await pond.app.media.refreshExpiring(new Date(Date.now() + 2.8 * 86_400_000));
    expect(refreshed).toBeGreaterThanOrEqual(1);
    const [second] = await q(`SELECT media_id, expires_at FROM media_attachments WHERE asset_id = $1`, [video]);
    expect(second.media_id).not.toBe(first.media_id);
    // Its time comes: the moment goes out with the current id.
    await q(`UPDATE moments SET scheduled_at = now() - interval '1 second' WHERE id = $1`, [r.body.id]);
    await pond.app.moments.tick(new Date());
    expect((await momentRow(r.body.id)).status).toBe('issued');
    const [sim] = await q(`SELECT body FROM wecom_sim.moments WHERE corp_id = $1 AND body->'text'->>'content' = $2`, [pond.corpId, text]);
    expect(sim.body.attachments).toEqual([{ msgtype: 'video', video: { media_id: second.media_id } }]);
  });

  it('cancels a scheduled moment without calling WeCom; the clock never issues it', async () => {
    const text = `取消定时 ${Date.now()}`;
    const r = await pond.api('POST', '/api/moments', { text, scheduledAt: new Date(Date.now() + 600_000).toISOString() });
    const c = await pond.api('POST', `/api/moments/${r.body.id}/cancel`, {});
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body.status).toBe('cancelled');
    await pond.app.moments.tick(new Date(Date.now() + 3600_000));
    expect(await simMoments(text)).toHaveLength(0);
    expect((await pond.api('POST', `/api/moments/${r.body.id}/publish`, {})).status).toBe(409);
  });

  it('reads moments made directly in WeCom back into the list, once', async () => {
    const text = `企业微信后台发的 ${Date.now()}`;
    const client = await pond.app.corps.client(pond.corpId);
    await client.addMomentTask({ text: { content: text }, visible_range: { sender_list: { user_list: ['liufang'] } } });
    const s = await pond.api('POST', '/api/moments/sync', { days: 1 });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    expect(s.body.added).toBeGreaterThanOrEqual(1);
    const again = await pond.api('POST', '/api/moments/sync', { days: 1 });
    expect(again.body.added).toBe(0);
    const list = await pond.api('GET', '/api/moments?origin=wecom');
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const m = list.body.items.find((x: any) => x.text === text);
    expect(m).toBeTruthy();
    expect(m.status).toBe('issued');
    // Its results are read like any other's.
    await pond.app.sim!.control.publishMoment('liufang', m.momentId, { corpId: pond.corpId });
    const detail = await pond.api('POST', `/api/moments/${m.id}/refresh`, {});
    expect(detail.status, JSON.stringify(detail.body)).toBe(200);
    expect(detail.body.senders.map((x: any) => [x.userid, x.published])).toEqual([['liufang', true]]);
    expect(detail.body.counts.reach).toBe((await q(`SELECT count(*)::int AS n FROM follows WHERE corp_id = $1 AND userid = 'liufang' AND status = 'active'`, [pond.corpId]))[0].n);
  });
});
