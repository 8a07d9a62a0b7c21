// Posters (issue 14): templates are validated (a 400 naming the field), drawn per participant and cached by
// content, the checker flags each measurable poster mistake on a crafted design and passes a clean one, the drawn
// QR decodes to the URL, publishing with problems is refused with the list, staff cards use one single-staff live
// code made once however many ask at the same time, and a store's cards come in one zip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { unzipSync } from 'fflate';
import { startTestPond, type TestPond } from './helpers';

let pond: TestPond;
const q = (text: string, values: unknown[] = []) => pond.app.pool.query(text, values);

beforeAll(async () => { pond = await startTestPond(); }, 120_000);
afterAll(async () => { await pond?.close(); });

const decode = (png: Buffer) => {
  const img = PNG.sync.read(png);
  return { width: img.width, height: img.height, text: jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height)?.data ?? null };
};

async function download(path: string): Promise<{ status: number; type: string | null; body: Buffer; etag: string | null }> {
  const res = await fetch(`${pond.baseUrl}${path}`, { headers: { authorization: `Bearer ${pond.token}` } });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()), etag: res.headers.get('etag') };
}
async function post(path: string, body: unknown): Promise<{ status: number; body: Buffer; json: any }> {
  const res = await fetch(`${pond.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${pond.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const buf = Buffer.from(await res.arrayBuffer());
  let json: any = null;
  try { json = JSON.parse(buf.toString()); } catch { /* a PNG */ }
  return { status: res.status, body: buf, json };
}

/** A clean 9:16 design: dark background, light copy well apart, a big QR with its quiet zone, centred. */
const clean = () => ({
  canvas: 'poster',
  background: { color: '#0E4D64' },
  elements: [
    { type: 'text', id: 'title', x: 88, y: 160, width: 904, text: '扫码领取新人礼', fontSize: 88, color: '#FFFFFF', weight: 'bold', align: 'center' },
    { type: 'text', id: 'sub', x: 88, y: 320, width: 904, text: '{nickname} 邀请你加入 {corp}', fontSize: 44, color: '#FFFFFF', align: 'center' },
    { type: 'avatar', id: 'face', x: 470, y: 440, size: 140 },
    { type: 'qr', id: 'qr', x: 240, y: 700, size: 600, quietZone: 4 },
    { type: 'text', id: 'hint', x: 88, y: 1500, width: 904, text: '长按识别二维码', fontSize: 40, color: '#FFFFFF', align: 'center' },
  ],
}) as { canvas: string; background: Record<string, unknown>; elements: Record<string, unknown>[] };

const rules = (issues: { rule: string; severity: string }[]) => issues.map((i) => `${i.rule}:${i.severity}`);
const check = async (design: unknown) => {
  const r = await post('/api/poster-templates/check', design);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return r.json as { issues: { rule: string; severity: string; elementIds?: string[] }[]; measured: { bytes: number; qrMm: number; minContrast: number } };
};
const withElements = (f: (els: Record<string, unknown>[]) => Record<string, unknown>[], base = clean()) => ({ ...base, elements: f(base.elements) });

describe('templates', () => {
  it('refuses a bad design with a 400 naming the field and the rule, and writes nothing', async () => {
    const before = Number((await q('SELECT count(*) FROM poster_templates')).rows[0].count);
    const bad = async (design: unknown, field: RegExp) => {
      const r = await pond.api('POST', '/api/poster-templates', { name: '坏模板', purpose: 'invite', design });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(`${r.body.error.field ?? ''} ${r.body.error.message}`).toMatch(field);
    };
    await bad(withElements((e) => e.map((x) => (x.id === 'title' ? { ...x, x: 300 } : x))), /design\.elements\.0\.width.*right edge/);
    await bad(withElements((e) => e.map((x) => (x.id === 'qr' ? { ...x, y: 1500 } : x))), /design\.elements\.3\.size.*bottom edge/);
    await bad(withElements((e) => e.map((x) => (x.id === 'hint' ? { ...x, y: 5000 } : x))), /elements\.4\.y/);
    await bad(withElements((e) => [...e, ...Array.from({ length: 30 }, (_, i) => ({ type: 'shape', id: `s${i}`, x: 0, y: 0, width: 10, height: 10, color: '#FFFFFF' }))]), /elements.*at most 30/);
    await bad(withElements((e) => e.filter((x) => x.type !== 'qr')), /exactly one qr/);
    await bad(withElements((e) => [...e, { type: 'qr', id: 'qr2', x: 0, y: 0, size: 200 }]), /exactly one qr/);
    await bad(withElements((e) => e.map((x) => (x.id === 'sub' ? { ...x, text: '你好 {phone}' } : x))), /elements\.1\.text.*unknown placeholder \{phone\}/);
    await bad(withElements((e) => e.map((x) => (x.id === 'sub' ? { ...x, id: 'title' } : x))), /elements\.1\.id/);
    await bad(withElements((e) => e.map((x) => (x.id === 'title' ? { ...x, color: 'red' } : x))), /elements\.0\.color.*hex colour/);
    await bad({ ...clean(), background: { color: '#FFFFFF', mediaId: 999999 } }, /design\.background\.mediaId/);
    expect(Number((await q('SELECT count(*) FROM poster_templates')).rows[0].count)).toBe(before);
  });

  it('draws a personal poster whose QR decodes to the URL, and serves a repeat from the cache', async () => {
    const created = await pond.api('POST', '/api/poster-templates', { name: '邀请海报', purpose: 'invite', design: clean() });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toMatchObject({ status: 'draft', version: 1, purpose: 'invite' });
    const vars = { qrText: `${pond.baseUrl}/l/Inviter001?s=abc`, nickname: '小明' };
    const { hits, misses } = pond.app.posters.cache;
    const first = await pond.app.posters.renderPersonal(pond.corpId, created.body.id, vars);
    const seen = decode(first.png);
    expect([seen.width, seen.height]).toEqual([1080, 1920]);
    expect(seen.text).toBe(vars.qrText);
    const again = await pond.app.posters.renderPersonal(pond.corpId, created.body.id, { ...vars });
    expect(again.etag).toBe(first.etag);
    expect(again.png).toBe(first.png); // the same buffer: not drawn again
    expect(pond.app.posters.cache.misses - misses).toBe(1);
    expect(pond.app.posters.cache.hits - hits).toBe(1);
    // Another participant, and an edit (a new version), draw anew.
    const other = await pond.app.posters.renderPersonal(pond.corpId, created.body.id, { ...vars, qrText: `${pond.baseUrl}/l/Inviter002` });
    expect(decode(other.png).text).toBe(`${pond.baseUrl}/l/Inviter002`);
    const edited = await pond.api('PATCH', `/api/poster-templates/${created.body.id}`, { design: withElements((e) => e.map((x) => (x.id === 'title' ? { ...x, text: '扫码领好礼' } : x))) });
    expect(edited.body.version).toBe(2);
    const redrawn = await pond.app.posters.renderPersonal(pond.corpId, created.body.id, vars);
    expect(redrawn.etag).not.toBe(first.etag);
    expect(pond.app.posters.cache.misses - misses).toBe(3);
  });

  it('previews an unsaved design as a PNG at 300 dpi', async () => {
    const r = await post('/api/poster-templates/preview.png', { ...clean(), vars: { qrText: 'https://pond.example.com/l/preview' } });
    expect(r.status).toBe(200);
    expect(decode(r.body).text).toBe('https://pond.example.com/l/preview');
    const phys = r.body.indexOf('pHYs');
    expect(r.body.readUInt32BE(phys + 4)).toBe(11811);
  });
});

describe('the checker', () => {
  it('passes a clean design and says what it measured', async () => {
    const r = await check(clean());
    expect(r.issues).toEqual([]);
    expect(r.measured.qrMm).toBeGreaterThan(30);
    expect(r.measured.minContrast).toBeGreaterThan(7);
  });

  it('flags too much text and text too small', async () => {
    const r = await check(withElements((e) => [...e, { type: 'text', id: 'wall', x: 88, y: 1600, width: 904, text: '会员日全场八折，新品试吃，到店有礼。'.repeat(6), fontSize: 20, color: '#FFFFFF', maxLines: 10 }]));
    expect(rules(r.issues)).toContain('too-much-text:warn');
    expect(rules(r.issues)).toContain('text-too-small:warn');
    expect(r.issues.find((i) => i.rule === 'text-too-small')!.elementIds).toEqual(['wall']);
  });

  it('flags low contrast against what is actually under the text (a light panel on a dark poster)', async () => {
    const r = await check(withElements((e) => [{ type: 'shape', id: 'panel', x: 60, y: 140, width: 960, height: 140, color: '#F5F5F5' }, ...e]));
    const low = r.issues.filter((i) => i.rule === 'low-contrast');
    expect(low.map((i) => [i.severity, i.elementIds])).toEqual([['error', ['title']]]);
    expect(r.measured.minContrast).toBeLessThan(1.2);
  });

  it('flags a QR too small for the canvas and for print', async () => {
    const r = await check(withElements((e) => e.map((x) => (x.id === 'qr' ? { ...x, x: 465, size: 150 } : x))));
    expect(rules(r.issues)).toContain('qr-too-small:error');
    expect(r.measured.qrMm).toBeLessThan(15);
    const share = await check(withElements((e) => e.map((x) => (x.id === 'qr' ? { ...x, x: 390, size: 300 } : x))));
    expect(rules(share.issues)).toContain('qr-too-small:warn');
  });

  it('flags a QR covered by an element drawn over it, which then does not scan', async () => {
    const r = await check(withElements((e) => [...e, { type: 'text', id: 'cover', x: 240, y: 900, width: 600, text: '限时特惠', fontSize: 120, color: '#E4572E', weight: 'bold' }]));
    expect(rules(r.issues)).toEqual(expect.arrayContaining(['qr-covered:error', 'qr-not-decodable:error']));
    expect(r.issues.find((i) => i.rule === 'qr-covered')!.elementIds).toEqual(['qr', 'cover']);
  });

  it('flags a missing or invaded quiet zone, and a QR that then does not decode', async () => {
    const none = await check({ ...withElements((e) => e.map((x) => (x.id === 'qr' ? { ...x, quietZone: 0 } : x))), background: { color: '#000000' } });
    expect(rules(none.issues)).toEqual(expect.arrayContaining(['qr-no-quiet-zone:error', 'qr-not-decodable:error']));
    const narrow = await check(withElements((e) => e.map((x) => (x.id === 'qr' ? { ...x, quietZone: 3 } : x))));
    expect(rules(narrow.issues)).toEqual(['qr-no-quiet-zone:warn']);
    const invaded = await check(withElements((e) => [...e, { type: 'shape', id: 'bar', x: 240, y: 700, width: 600, height: 20, color: '#F6C445' }]));
    expect(invaded.issues.find((i) => i.rule === 'qr-no-quiet-zone')).toMatchObject({ severity: 'error', elementIds: ['qr', 'bar'] });
  });

  it('flags an unbalanced and a cluttered layout', async () => {
    const left = await check(withElements((e) => e.map((x) => (x.type === 'text' ? { ...x, x: 20, width: 420, align: 'left' } : x.id === 'qr' ? { ...x, x: 20 } : x.id === 'face' ? { ...x, x: 20 } : x))));
    expect(rules(left.issues)).toContain('unbalanced-layout:warn');
    const crowded = await check(withElements((e) => [...e, { type: 'text', id: 'over', x: 88, y: 180, width: 904, text: '叠在标题上', fontSize: 60, color: '#FFFFFF' }]));
    expect(crowded.issues.find((i) => i.rule === 'cluttered')).toMatchObject({ severity: 'warn', elementIds: ['title', 'over'] });
  });

  it('flags the advertising law\'s absolute claims, full-width and spaced variants too, but not ordinary words', async () => {
    const r = await check(withElements((e) => [...e,
      { type: 'text', id: 'claim1', x: 88, y: 1600, width: 904, text: '全网ＮＯ．１ 的 最 佳 口感', fontSize: 40, color: '#FFFFFF', align: 'center' },
      { type: 'text', id: 'claim2', x: 88, y: 1700, width: 904, text: '１００％纯天然 国家级品质', fontSize: 40, color: '#FFFFFF', align: 'center' },
    ]));
    const claims = r.issues.filter((i) => i.rule === 'exaggerated-claim');
    expect(claims.every((i) => i.severity === 'error')).toBe(true);
    expect(claims.map((i) => /"(.+)"/.exec((i as any).message)![1]).sort()).toEqual(['100%', 'no.1', '国家级', '最'].sort());
    const fine = await check(withElements((e) => e.map((x) => (x.id === 'title' ? { ...x, text: '最近第一次来？' } : x))));
    expect(fine.issues).toEqual([]);
  });

  it('flags a file too big to send as a WeCom image (a photo-like background)', async () => {
    const noise = new PNG({ width: 540, height: 960 });
    for (let i = 0; i < noise.data.length; i += 4) noise.data.set([Math.random() * 256, Math.random() * 256, Math.random() * 256, 255], i);
    const bytes = PNG.sync.write(noise);
    const { rows: [m] } = await q(`INSERT INTO media_assets (corp_id, kind, filename, content_type, bytes, pic_url) VALUES ($1, 'image', 'noise.png', 'image/png', $2, 'https://example.com/n.png') RETURNING id`, [pond.corpId, bytes]);
    const r = await check({ ...clean(), background: { color: '#000000', mediaId: Number(m.id) } });
    expect(r.measured.bytes).toBeGreaterThan(2 * 1024 * 1024);
    expect(rules(r.issues)).toContain('oversized-file:warn');
  });
});

describe('publishing', () => {
  it('refuses errors (409 with the list), asks to acknowledge warnings, publishes a clean template', async () => {
    const bad = (await pond.api('POST', '/api/poster-templates', { name: '违规', purpose: 'invite', design: withElements((e) => e.map((x) => (x.id === 'title' ? { ...x, text: '全国第一好店' } : x))) })).body;
    const refused = await pond.api('POST', `/api/poster-templates/${bad.id}/publish`, { acknowledgeWarnings: true });
    expect(refused.status).toBe(409);
    expect(rules(refused.body.error.details.issues)).toEqual(['exaggerated-claim:error']);
    expect((await q('SELECT status FROM poster_templates WHERE id = $1', [bad.id])).rows[0].status).toBe('draft');

    const warn = (await pond.api('POST', '/api/poster-templates', { name: '提醒', purpose: 'invite', design: withElements((e) => e.map((x) => (x.id === 'qr' ? { ...x, quietZone: 3 } : x))) })).body;
    const asked = await pond.api('POST', `/api/poster-templates/${warn.id}/publish`, {});
    expect(asked.status).toBe(409);
    expect(rules(asked.body.error.details.issues)).toEqual(['qr-no-quiet-zone:warn']);
    const acked = await pond.api('POST', `/api/poster-templates/${warn.id}/publish`, { acknowledgeWarnings: true });
    expect(acked.status, JSON.stringify(acked.body)).toBe(200);
    expect(acked.body).toMatchObject({ status: 'published', publishedIssues: [{ rule: 'qr-no-quiet-zone', severity: 'warn' }] });

    const good = (await pond.api('POST', '/api/poster-templates', { name: '干净', purpose: 'staff_card', design: clean() })).body;
    const ok = await pond.api('POST', `/api/poster-templates/${good.id}/publish`, {});
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('published');
    // An edit makes it a draft again.
    expect((await pond.api('PATCH', `/api/poster-templates/${good.id}`, { name: '干净 2' })).body.status).toBe('draft');
    await pond.api('DELETE', `/api/poster-templates/${good.id}`);
    const list = await pond.api('GET', '/api/poster-templates?purpose=staff_card');
    expect(list.body.items.map((t: any) => t.id)).not.toContain(good.id);
  });
});

describe('live code posters', () => {
  it('draws the live code\'s poster through the built-in template or a chosen one, at the old URLs', async () => {
    const staff = (await q(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId])).rows[0].userid;
    const code = (await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '门店海报', channel: 'poster', pool: [{ userid: staff }] })).body;
    const builtIn = await download(`/api/live-codes/${code.id}/poster.png?title=${encodeURIComponent('春季新品 到店有礼')}`);
    expect(builtIn.type).toBe('image/png');
    expect(decode(builtIn.body)).toMatchObject({ width: 1080, height: 1920, text: code.url });
    const report = await pond.api('GET', `/api/live-codes/${code.id}/poster-check?title=${encodeURIComponent('全球最好的咖啡')}`);
    expect(rules(report.body.issues)).toContain('exaggerated-claim:error');
    expect((await pond.api('GET', `/api/live-codes/${code.id}/poster-check`)).body.issues).toEqual([]);
    const t = (await pond.api('POST', '/api/poster-templates', { name: '活码模板', purpose: 'live_code', design: clean() })).body;
    const chosen = await download(`/api/live-codes/${code.id}/poster.png?templateId=${t.id}`);
    expect(decode(chosen.body).text).toBe(code.url);
    expect(chosen.etag).not.toBe(builtIn.etag);
  });
});

describe('staff cards', () => {
  it('makes one single-staff live code per staff member, even when asked many times at once', async () => {
    const userid = (await q(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid DESC LIMIT 1`, [pond.corpId])).rows[0].userid;
    const cards = await Promise.all(Array.from({ length: 6 }, (_, i) => download(`/api/posters/staff-cards/${userid}/card.png?size=${i % 2 ? 'badge' : 'a4'}`)));
    for (const c of cards) expect(c.status, c.body.toString().slice(0, 200)).toBe(200);
    const { rows } = await q(`SELECT sc.code_id, lc.channel, array_agg(p.userid) AS pool FROM staff_cards sc JOIN live_codes lc ON lc.id = sc.code_id
      JOIN live_code_staff p ON p.code_id = lc.id WHERE sc.corp_id = $1 AND sc.userid = $2 GROUP BY 1, 2`, [pond.corpId, userid]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'staff_card', pool: [userid] });
    const made = await q(`SELECT count(*)::int AS n FROM live_codes WHERE corp_id = $1 AND channel = 'staff_card' AND id IN (SELECT code_id FROM live_code_staff WHERE userid = $2)`, [pond.corpId, userid]);
    expect(made.rows[0].n).toBe(1);
    const info = await pond.api('GET', `/api/posters/staff-cards/${userid}`);
    expect(info.body.liveCodeId).toBe(rows[0].code_id);
    const badge = decode(cards[1].body);
    expect([badge.width, badge.height]).toEqual([638, 1016]);
    expect(badge.text).toBe(info.body.url);
    const a4 = decode(cards[0].body);
    expect([a4.width, a4.height, a4.text]).toEqual([2480, 3508, info.body.url]);
    // The built-in badge passes the checker.
    const report = await pond.app.posters.check(pond.corpId, (await import('../src/modules/posters/defaults')).STAFF_CARD_DESIGNS.badge, { qrText: info.body.url });
    expect(report.issues).toEqual([]);
  });

  it('zips every card of a store, one per staff member with customer contact', async () => {
    const { rows: [store] } = await q(`SELECT s.store_id AS id, count(*)::int AS n FROM staff s WHERE s.corp_id = $1 AND s.store_id IS NOT NULL AND s.is_follow_user AND s.status = 1
      GROUP BY s.store_id ORDER BY count(*) DESC LIMIT 1`, [pond.corpId]);
    expect(store.n).toBeGreaterThan(1);
    const res = await download(`/api/posters/stores/${store.id}/staff-cards.zip?size=badge`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/zip');
    const files = unzipSync(new Uint8Array(res.body));
    const names = Object.keys(files);
    expect(names).toHaveLength(store.n);
    const { rows: staff } = await q(`SELECT userid FROM staff WHERE corp_id = $1 AND store_id = $2 AND is_follow_user AND status = 1`, [pond.corpId, store.id]);
    expect(names.map((n) => n.split('-')[0]).sort()).toEqual(staff.map((s: any) => s.userid).sort());
    const codes = await q(`SELECT count(*)::int AS n FROM staff_cards WHERE corp_id = $1 AND userid = ANY($2)`, [pond.corpId, staff.map((s: any) => s.userid)]);
    expect(codes.rows[0].n).toBe(store.n);
    const first = decode(Buffer.from(files[names[0]]));
    expect([first.width, first.height]).toEqual([638, 1016]);
    expect(first.text).toMatch(/\/l\//);
  });
});
