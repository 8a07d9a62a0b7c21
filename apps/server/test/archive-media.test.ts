// Serving archived messages' files (GET /api/archive/messages/:id/media, ADR 0035's addendum): what a customer sent
// never renders as a page of Pond's origin — raster images, audio and video inline, everything else an attachment,
// markup and script types as octet-stream — with nosniff, a sandboxing CSP and the original file name; revalidated by
// ETag (so access is checked on every use), byte ranges for players, and only to whoever may see the message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { byteRange, safeFilename, servedAs } from '../src/modules/archive/serve';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let chatId: string;
let owner: string;
let wechatUser: string;

const sim = () => pond.app.sim!.control;
const q = <T = any>(sql: string, values: unknown[] = []) => pond.app.pool.query(sql, values).then((r) => r.rows as T[]);
const pull = () => waitFor(async () => !(await pond.app.archive.ingest.pullAll(pond.corpId)).busy, { message: 'archive pull' });

type Sent = { type: 'image' | 'file' | 'voice' | 'video'; filename: string; contentType: string; data: Buffer };

/** The customer sends the files into the group; Pond archives and downloads them. The message ids, in order. */
async function archive(files: Sent[]): Promise<number[]> {
  const client = await pond.app.corps.client(pond.corpId);
  const msgids: string[] = [];
  for (const f of files) {
    const mediaId = (await client.mediaUpload(f.type, { filename: f.filename, contentType: f.contentType, data: f.data })).media_id;
    msgids.push((await sim().sayInGroup(wechatUser, chatId, { msgtype: f.type, [f.type]: { media_id: mediaId, filename: f.filename } })).msgid);
  }
  await pull();
  await pond.app.archive.ingest.media.fetchDue(pond.corpId);
  await waitFor(async () => (await q(`SELECT count(*)::int AS n FROM archive_media WHERE corp_id = $1 AND msgid = ANY($2) AND status = 'stored'`, [pond.corpId, msgids]))[0].n === msgids.length,
    { message: 'files downloaded' });
  const rows = await q<{ id: number; msgid: string }>('SELECT id, msgid FROM archived_messages WHERE corp_id = $1 AND msgid = ANY($2)', [pond.corpId, msgids]);
  return msgids.map((m) => rows.find((r) => r.msgid === m)!.id);
}

const get = (id: number, headers: Record<string, string> = {}, token = pond.token) =>
  fetch(`${pond.baseUrl}/api/archive/messages/${id}/media`, { headers: { authorization: `Bearer ${token}`, ...headers } });

function png(width: number, height: number): Buffer {
  const img = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) img.data.set([30 + (i % width), 120, 200, 255], i * 4);
  return PNG.sync.write(img);
}

beforeAll(async () => {
  pond = await startTestPond();
  const [row] = await q<{ chat_id: string; owner: string; wechat_user_id: string }>(
    `SELECT g.chat_id, g.owner, m.wechat_user_id
       FROM wecom_sim.group_members m JOIN wecom_sim.groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id
      WHERE m.corp_id = $1 AND m.type = 2 AND m.left_at IS NULL AND m.wechat_user_id IS NOT NULL AND g.dismissed_at IS NULL
        AND EXISTS (SELECT 1 FROM wecom_sim.follows f WHERE f.corp_id = m.corp_id AND f.external_userid = m.member_id AND f.status = 'active')
      ORDER BY g.chat_id, m.member_id LIMIT 1`, [pond.corpId]);
  expect(row).toBeTruthy();
  ({ chat_id: chatId, owner, wechat_user_id: wechatUser } = row!);
}, 120_000);

afterAll(async () => { await pond?.close(); });

describe('archived files as served', () => {
  it('shows raster images, voice and video in place; sends every other file as a download, markup never as itself', async () => {
    const picture = png(64, 40);
    const html = Buffer.from('<!doctype html><html><body><script>fetch("/api/me")</script></body></html>');
    const pdf = Buffer.from('%PDF-1.4\n% a price list\n');
    const amr = Buffer.concat([Buffer.from('#!AMR\n'), Buffer.alloc(64, 0x3c)]);
    const [imageId, htmlId, pdfId, voiceId, svgId] = await archive([
      { type: 'image', filename: 'photo.png', contentType: 'image/png', data: picture },
      { type: 'file', filename: 'invoice.html', contentType: 'text/html', data: html },
      { type: 'file', filename: "报价单 (最终)'v2.pdf", contentType: 'application/pdf', data: pdf },
      { type: 'voice', filename: 'voice.amr', contentType: 'audio/amr', data: amr },
      { type: 'image', filename: 'logo.png', contentType: 'image/png', data: png(8, 8) },
    ]);

    const image = await get(imageId);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(image.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
    expect(image.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(image.headers.get('cache-control')).toBe('private, no-cache');
    expect(image.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.compare(Buffer.from(await image.arrayBuffer()), picture)).toBe(0);

    // A customer's HTML file: a download of opaque bytes, never a page of Pond's origin.
    const page = await get(htmlId);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('application/octet-stream');
    expect(page.headers.get('content-disposition')).toBe(`attachment; filename="invoice.html"; filename*=UTF-8''invoice.html`);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.compare(Buffer.from(await page.arrayBuffer()), html)).toBe(0);

    // A document keeps its type, comes as an attachment, and keeps its Chinese name (RFC 5987, quotes and brackets encoded).
    const doc = await get(pdfId);
    expect(doc.headers.get('content-type')).toBe('application/pdf');
    const disposition = doc.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    const encoded = /filename\*=UTF-8''(.+)$/.exec(disposition)![1];
    expect(encoded).not.toMatch(/['()]/);
    expect(decodeURIComponent(encoded)).toBe("报价单 (最终)'v2.pdf");

    // WeCom's voice: AMR, in place (the console offers a download where the browser cannot play it), named by type.
    const voice = await get(voiceId);
    expect(voice.headers.get('content-type')).toBe('audio/amr');
    expect(voice.headers.get('content-disposition')).toBe(`inline; filename="voice-${voiceId}.amr"; filename*=UTF-8''voice-${voiceId}.amr`);

    // Whatever type a file was recorded with, SVG and HTML are never served as such, nor inline.
    for (const type of ['image/svg+xml', 'text/html; charset=utf-8', 'application/xhtml+xml', 'text/javascript', 'not a type']) {
      await q(`UPDATE archive_media SET content_type = $3 FROM archived_messages m WHERE m.id = $2 AND archive_media.corp_id = $1 AND archive_media.msgid = m.msgid`, [pond.corpId, svgId, type]);
      const res = await get(svgId);
      expect(res.status, type).toBe(200);
      expect(res.headers.get('content-type'), type).toBe('application/octet-stream');
      expect(res.headers.get('content-disposition'), type).toMatch(/^attachment; /);
    }
  });

  it('revalidates by ETag, serves byte ranges, and only to whoever sees the message', async () => {
    const picture = png(120, 80);
    const [id] = await archive([{ type: 'image', filename: 'shop.png', contentType: 'image/png', data: picture }]);
    const first = await get(id);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await get(id, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    expect((await get(id, { 'if-none-match': '"something-else"' })).status).toBe(200);

    const head = await get(id, { range: 'bytes=0-9' });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 0-9/${picture.length}`);
    expect(Buffer.compare(Buffer.from(await head.arrayBuffer()), picture.subarray(0, 10))).toBe(0);
    const tail = await get(id, { range: 'bytes=-5' });
    expect(tail.status).toBe(206);
    expect(Buffer.compare(Buffer.from(await tail.arrayBuffer()), picture.subarray(picture.length - 5))).toBe(0);
    const rest = await get(id, { range: `bytes=${picture.length - 3}-` });
    expect(Buffer.compare(Buffer.from(await rest.arrayBuffer()), picture.subarray(picture.length - 3))).toBe(0);
    const outside = await get(id, { range: `bytes=${picture.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${picture.length}`);
    // A range of another version of the file: the whole file.
    expect((await get(id, { range: 'bytes=0-9', 'if-range': '"old"' })).status).toBe(200);

    // The group's owner sees it; a member who sees neither the group nor the chat gets a 404, revalidation included.
    const [other] = await q<{ userid: string }>(
      `SELECT s.userid FROM staff s WHERE s.corp_id = $1 AND s.userid <> $2
          AND NOT EXISTS (SELECT 1 FROM groups g WHERE g.corp_id = s.corp_id AND g.chat_id = $3 AND g.owner_userid = s.userid)
        ORDER BY s.userid LIMIT 1`, [pond.corpId, owner, chatId]);
    const mine = (await pond.app.auth.createToken({ corpId: pond.corpId, name: 'owner-media', role: 'staff', staffUserid: owner })).token;
    const theirs = (await pond.app.auth.createToken({ corpId: pond.corpId, name: 'other-media', role: 'staff', staffUserid: other.userid })).token;
    expect((await get(id, {}, mine)).status).toBe(200);
    expect((await get(id, {}, theirs)).status).toBe(404);
    expect((await get(id, { 'if-none-match': etag }, theirs)).status).toBe(404);
    expect((await fetch(`${pond.baseUrl}/api/archive/messages/${id}/media`)).status).toBe(401);

    // A file not downloaded (pending, failed, too large) is a 404 naming its state.
    await q(`UPDATE archive_media SET status = 'failed' FROM archived_messages m WHERE m.id = $2 AND archive_media.corp_id = $1 AND archive_media.msgid = m.msgid`, [pond.corpId, id]);
    const failed = await get(id);
    expect(failed.status).toBe(404);
    expect(((await failed.json()) as { error: { message: string } }).error.message).toContain('failed');
  });

  it('names files safely and reads one range', () => {
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('C:\\Users\\a\\报价.xlsx')).toBe('报价.xlsx');
    expect(safeFilename('a\r\nSet-Cookie: x.txt')).toBe('aSet-Cookie: x.txt');
    expect(safeFilename('..')).toBeNull();
    expect(servedAs({ contentType: 'image/png', filename: 'a"b.png', kind: 'image', id: 1 }).disposition).toBe(`inline; filename="a_b.png"; filename*=UTF-8''a%22b.png`);
    expect(servedAs({ contentType: 'image/bmp', filename: null, kind: 'image', id: 7 })).toMatchObject({ contentType: 'image/bmp', inline: false });
    expect(servedAs({ contentType: 'video/mp4', filename: null, kind: 'video', id: 7 })).toMatchObject({ inline: true, disposition: `inline; filename="video-7.mp4"; filename*=UTF-8''video-7.mp4` });
    expect(byteRange(undefined, 10)).toBeNull();
    expect(byteRange('bytes=0-1,4-5', 10)).toBeNull();
    expect(byteRange('items=0-1', 10)).toBeNull();
    expect(byteRange('bytes=2-100', 10)).toEqual({ start: 2, end: 9 });
    expect(byteRange('bytes=5-2', 10)).toBe('unsatisfiable');
    expect(byteRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(byteRange('bytes=-20', 10)).toEqual({ start: 0, end: 9 });
  });
});
