// Uploading message media: images get WeCom's permanent URL; temporary media ids are re-uploaded before
// they expire and the templates that use them follow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';

let pond: TestPond;
beforeAll(async () => { pond = await startTestPond(); });
afterAll(async () => { await pond?.close(); });

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

async function upload(kind: string, filename: string, type: string, body: Buffer) {
  const res = await fetch(`${pond.baseUrl}/api/media?kind=${kind}&filename=${encodeURIComponent(filename)}`, {
    method: 'POST', headers: { authorization: `Bearer ${pond.token}`, 'content-type': type }, body,
  });
  return { status: res.status, body: await res.json() as any };
}

describe('media', () => {
  it('uploads an image to WeCom and returns its permanent pic_url', async () => {
    const r = await upload('image', 'banner.png', 'image/png', PNG);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.picUrl).toMatch(/^https?:\/\//);
    const img = await fetch(r.body.picUrl);
    expect(img.status).toBe(200);
  });

  it('rejects what WeCom would refuse, naming the rule', async () => {
    const wrongType = await upload('image', 'a.gif', 'application/octet-stream', PNG);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toMatch(/PNG or JPEG/);
    const empty = await upload('file', 'a.pdf', 'application/pdf', Buffer.alloc(0));
    expect(empty.status).toBe(400);
  });

  it('re-uploads a file before its media id expires and updates the welcome templates and playbook steps that use it', async () => {
    const f = await upload('file', '价目表.pdf', 'application/pdf', Buffer.from('%PDF-1.4 demo'));
    expect(f.status, JSON.stringify(f.body)).toBe(200);
    const t = await pond.api('POST', '/api/welcome-templates', { name: '带文件', scope: 'default', text: '你好', attachments: [{ msgtype: 'file', file: { media_id: f.body.mediaId } }] });
    expect(t.status, JSON.stringify(t.body)).toBe(200);
    // A playbook step that sends the file in three weeks follows the refresh too.
    const pb = await pond.api('POST', '/api/playbooks', { kind: 'customer', name: '带文件', trigger: { type: 'manual' },
      steps: [{ day: 21, time: '10:00', content: { text: '价目表', attachments: [{ msgtype: 'file', file: { media_id: f.body.mediaId } }] } }] });
    expect(pb.status, JSON.stringify(pb.body)).toBe(200);
    const refreshed = await pond.app.media.refreshExpiring(new Date(Date.now() + 3 * 24 * 3600 * 1000));
    expect(refreshed).toBe(1);
    const after = await pond.api('GET', `/api/welcome-templates/${t.body.id}`);
    const newId = after.body.attachments[0].file.media_id;
    expect(newId).not.toBe(f.body.mediaId);
    expect((await pond.api('GET', `/api/playbooks/${pb.body.id}`)).body.steps[0].content.attachments[0].file.media_id).toBe(newId);
    const list = await pond.api('GET', '/api/media');
    expect(list.body.items.find((m: any) => m.id === f.body.id).mediaId).toBe(newId);
  });
});
