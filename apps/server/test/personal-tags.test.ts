// Personal tags (个人标签): a member tags a customer for themselves in the WeCom client. WeCom sends
// edit_external_contact; Pond re-reads externalcontact/get (type 2 tags, no tag_id) and shows them
// on the customer, in the sidebar bundle and the CSV. batch/get_by_user omits them, so a sync that
// brings new corp tags must leave them alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl } from '@pond/wecom-sim';
import { startTestPond, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let staff: string;
let ext: string;

beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  const { rows } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
  staff = rows[0].userid;
  const u = await sim.createWechatUser({ nickname: '个人标签测试' });
  ext = (await sim.addStaff(u.id, { corpId: pond.corpId, userid: staff })).externalUserid;
  await settle();
});
afterAll(async () => { await pond?.close(); });

async function settle() {
  await sim.waitForCallbacks(10_000);
  await pond.app.inbox.drain();
}
const mine = async () => (await pond.api('GET', `/api/customers/${ext}`)).body.follows.find((f: any) => f.userid === staff);

describe('personal tags', () => {
  it('starts empty, then shows what the member set in the WeCom client', async () => {
    expect((await mine()).personalTags).toEqual([]);
    await sim.editPersonalTagsInClient(staff, ext, { add: ['老客户', '爱喝拿铁'] }, { corpId: pond.corpId });
    await settle();
    expect((await mine()).personalTags).toEqual(['老客户', '爱喝拿铁']);
    const edited = (await pond.api('GET', `/api/customers/${ext}/timeline`)).body.items.find((e: any) => e.type === 'follow.edited');
    expect(edited.data).toMatchObject({ personalTagsAdded: ['老客户', '爱喝拿铁'] });

    await sim.editPersonalTagsInClient(staff, ext, { remove: ['老客户'] }, { corpId: pond.corpId });
    await settle();
    expect((await mine()).personalTags).toEqual(['爱喝拿铁']);
  });

  it('a corp-tag change seen only through batch/get_by_user (sync) keeps them', async () => {
    const { rows } = await pond.app.pool.query('SELECT id FROM tags WHERE corp_id = $1 AND deleted_at IS NULL ORDER BY id LIMIT 1', [pond.corpId]);
    const tagId = rows[0].id as string;
    // The API's mark_tag fires no callback; Pond only learns of it from the next sync's batch data.
    expect((await sim.getFollow(pond.corpId, staff, ext))!.personalTags).toEqual(['爱喝拿铁']);
    const client = await pond.app.corps.client(pond.corpId);
    await client.markTag({ userid: staff, external_userid: ext, add_tag: [tagId] });
    expect((await mine()).tagIds).toEqual([]);

    const run = await pond.app.sync.start(pond.corpId, 'reconcile', 'test');
    await pond.app.sync.execute(run.id);
    const f = await mine();
    expect(f.tagIds).toEqual([tagId]);
    expect(f.personalTags).toEqual(['爱喝拿铁']);
  });

  it("the sidebar bundle's own relation carries them, and the CSV lists them", async () => {
    const t = await pond.api('POST', '/api/tokens', { name: 'member', role: 'staff', staffUserid: staff });
    const bundle = await pond.api('GET', `/api/sidebar/customers/${ext}`, undefined, { token: t.body.token });
    expect(bundle.status, JSON.stringify(bundle.body)).toBe(200);
    expect(bundle.body.mine).toMatchObject({ userid: staff, personalTags: ['爱喝拿铁'] });

    const res = await fetch(`${pond.baseUrl}/api/customers.csv?q=${encodeURIComponent('个人标签测试')}`, { headers: { authorization: `Bearer ${pond.token}` } });
    const [header, row] = (await res.text()).trim().split('\r\n');
    expect(header).toContain('personal_tags');
    expect(row).toContain('爱喝拿铁');
  });
});
