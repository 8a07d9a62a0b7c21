// Personal tags (个人标签): a member's own tags on a customer, edited only in the WeCom client.
// externalcontact/get returns them (type 2, no tag_id); batch/get_by_user leaves them out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimFollow } from './customers';
import { startHarness, type Harness } from './test-helpers';

let h: Harness;
let ext: string;
let levelTagId: string;

beforeAll(async () => {
  h = await startHarness();
  await h.sim.control.seedDemo({ corpId: h.corp.corpId, customers: 40, groups: 0 });
  const u = await h.sim.control.createWechatUser({ nickname: '个人标签客户' });
  ext = (await h.sim.control.addStaff(u.id, { corpId: h.corp.corpId, userid: 'zhangwei' })).externalUserid;
  const [level] = (await h.api('externalcontact/get_corp_tag_list', { body: {} })).tag_group;
  levelTagId = level.tag[0].id;
  await h.sim.control.editTagsInClient('zhangwei', ext, [levelTagId], []);
  await h.sim.control.waitForCallbacks();
});

afterAll(async () => {
  await h?.close();
});

describe('personal tags', () => {
  it('editing them in the client fires edit_external_contact and externalcontact/get returns them as type 2', async () => {
    const before = h.receiver.events.length;
    const f = await h.sim.control.editPersonalTagsInClient('zhangwei', ext, { add: ['老客户', ' 爱喝拿铁 ', '老客户'] });
    expect(f.personalTags).toEqual(['老客户', '爱喝拿铁']);
    await h.sim.control.waitForCallbacks();
    expect(h.receiver.events.slice(before)).toEqual([
      expect.objectContaining({ Event: 'change_external_contact', ChangeType: 'edit_external_contact', UserID: 'zhangwei', ExternalUserID: ext }),
    ]);

    const r = await h.api('externalcontact/get', { query: { external_userid: ext } });
    const tags = r.follow_user.find((x) => x.userid === 'zhangwei')?.tags ?? [];
    expect(tags[0]).toMatchObject({ type: 1, tag_id: levelTagId });
    expect(tags.slice(1)).toEqual([
      { group_name: '', tag_name: '老客户', type: 2 },
      { group_name: '', tag_name: '爱喝拿铁', type: 2 },
    ]);
    expect(r).not.toHaveProperty('follow_user.0.personal_tags');
  });

  it('batch/get_by_user omits them (tag_id holds corp tags only)', async () => {
    const r = await h.api('externalcontact/batch/get_by_user', { body: { userid_list: ['zhangwei'], limit: 100 } });
    const item = r.external_contact_list.find((x) => x.external_contact.external_userid === ext);
    expect(item?.follow_info.tag_id).toEqual([levelTagId]);
    expect(JSON.stringify(item?.follow_info)).not.toContain('老客户');
  });

  it('removes, validates, and works over the HTTP control API', async () => {
    const call = async (body: unknown) => {
      const res = await fetch(`${h.simUrl}/control/edit-personal-tags`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      // The follow as edited (an { error } when the status is 4xx; those calls read only the status).
      return { status: res.status, json: (await res.json()) as SimFollow };
    };
    const ok = await call({ userid: 'zhangwei', externalUserid: ext, add: ['少糖'], remove: ['老客户'] });
    expect(ok.status).toBe(200);
    expect(ok.json.personalTags).toEqual(['爱喝拿铁', '少糖']);
    expect((await call({ userid: 'zhangwei', externalUserid: ext })).status).toBe(400);
    expect((await call({ userid: 'zhangwei', externalUserid: ext, add: ['x'.repeat(31)] })).status).toBe(400);
    expect((await call({ userid: 'zhangwei', externalUserid: ext, add: [''] })).status).toBe(400);
    expect((await call({ userid: 'lisi-nobody', externalUserid: ext, add: ['a'] })).status).toBe(404);
    expect((await call({ userid: 'zhangwei', externalUserid: 'wmnobody', add: ['a'] })).status).toBe(404);
  });

  it('the mock client profile page shows and edits them', async () => {
    const q = new URLSearchParams({ corp: h.corp.corpId, userid: 'zhangwei', external: ext, entry: 'contact_profile' });
    const html = await (await fetch(`${h.simUrl}/wecom/chat?${q}`)).text();
    expect(html).toContain('个人标签');
    expect(html).toContain('少糖');
    const form = new URLSearchParams({ corp: h.corp.corpId, userid: 'zhangwei', external: ext, entry: 'contact_profile', add: '带娃' });
    const res = await fetch(`${h.simUrl}/wecom/chat/personal-tags`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect((await h.sim.control.getFollow(h.corp.corpId, 'zhangwei', ext))!.personalTags).toEqual(['爱喝拿铁', '少糖', '带娃']);
  });

  it('a fresh relationship starts without them', async () => {
    await h.sim.control.staffDeletesCustomer('zhangwei', ext);
    const wechatUserId = (await h.sim.control.listWechatUsers()).find((u) => u.nickname === '个人标签客户')!.id;
    await h.sim.control.addStaff(wechatUserId, { corpId: h.corp.corpId, userid: 'zhangwei' });
    expect((await h.sim.control.getFollow(h.corp.corpId, 'zhangwei', ext))!.personalTags).toEqual([]);
  });

  it('the demo seed gives some customers a personal tag or two', async () => {
    const staff = (await h.api('externalcontact/get_follow_user_list')).follow_user;
    const personal: string[] = [];
    for (const userid of staff) {
      for (const id of (await h.api('externalcontact/list', { query: { userid } })).external_userid ?? []) {
        if (id === ext) continue;
        const r = await h.api('externalcontact/get', { query: { external_userid: id } });
        for (const f of r.follow_user) for (const t of f.tags ?? []) if (t.type === 2) personal.push(t.tag_name);
      }
    }
    expect(personal.length).toBeGreaterThan(0);
    expect(personal.length).toBeLessThan(40);
  });
});
