// Every timeline event type reads as a sentence in both languages, with names instead of ids.
import { describe, expect, it } from 'vitest';
import { describeEvent, referencedIds, type DescribableEvent, type EventNames } from './describe';

const names: EventNames = {
  codes: new Map([['1', '门店海报'], ['7', '快递卡片']]),
  tags: new Map([['et_vip', '金卡会员'], ['et_coffee', '咖啡爱好者']]),
  groups: new Map([['wr_1', '静安店福利群']]),
  staff: new Map([['wangdian', '王店长']]),
};
const ev = (type: string, data: Record<string, unknown>, more: Partial<DescribableEvent> = {}): DescribableEvent =>
  ({ type, userid: 'wangdian', staffName: '王店长', chatId: null, data, ...more });

/** What each known type records (as the server writes it) and what it must read as. */
const CASES: [DescribableEvent, string, string][] = [
  [ev('customer.added', { state: 'pc_abc', reAdd: false, welcome: 'sent', codeId: 1, codeName: '门店海报', channel: 'poster', visitId: 1 }),
    '通过活码「门店海报」（渠道 poster）添加了员工 王店长；欢迎语已发送', 'Added staff member 王店长 via live code “门店海报” (channel poster); welcome message sent'],
  [ev('customer.added', { state: null, addWay: 1, source: 'sync' }),
    '通过扫描二维码添加了员工 王店长；来自同步', 'Added staff member 王店长 through scanning a QR code; from sync'],
  [ev('customer.added', { state: 'store_jingan', reAdd: true, welcome: 'failed', welcomeErrcode: 41051 }),
    '添加了员工 王店长；渠道参数 store_jingan；欢迎语发送失败（错误码 41051）；再次添加', 'Added staff member 王店长; state store_jingan; welcome message failed (errcode 41051); added again'],
  [ev('customer.half_added', { state: null, reAdd: false }), '免验证添加了员工 王店长（员工尚未通过）', 'Added staff member 王店长 without verification (not yet accepted)'],
  [ev('customer.deleted_by_staff', { source: null }), '员工 王店长 删除了该客户', 'Removed by staff member 王店长'],
  [ev('customer.deleted_staff', {}), '客户删除了员工 王店长', 'The customer deleted staff member 王店长'],
  [ev('follow.transferred', { source: 'DELETE_BY_TRANSFER' }), '客户已从员工 王店长转接给接替成员（客户继承）', 'Handed over from staff member 王店长 to a new staff member'],
  [ev('follow.transfer_failed', { reason: 'customer_refused' }), '转接给员工 王店长失败：客户拒绝了转接', 'Handover to staff member 王店长 failed: the customer refused'],
  [ev('follow.edited', { personalTagsAdded: ['爱喝美式'] }), '员工 王店长 修改了客户资料；添加个人标签：爱喝美式', "Staff member 王店长 edited the customer's details; personal tags added: 爱喝美式"],
  [ev('remark.changed', { from: null, to: '小王·常客', by: 'pond' }), '员工 王店长 把备注从（空）改为「小王·常客」；在鱼塘修改', 'Staff member 王店长 changed the remark from (empty) to “小王·常客”; changed in Pond'],
  [ev('tag.added', { tagIds: ['et_vip', 'et_coffee'], codeId: 7 }), '员工 王店长 打上标签：金卡会员、咖啡爱好者；活码「快递卡片」的标签', 'Staff member 王店长 tagged the customer: 金卡会员, 咖啡爱好者; the tags of live code “快递卡片”'],
  [ev('tag.removed', { tagIds: ['et_gone'], bulkJobId: 3 }), '员工 王店长 移除标签：et_gone；批量打标签任务 #3', 'Staff member 王店长 removed the tags: et_gone; bulk tagging job #3'],
  [ev('tag.added', { tagIds: ['et_vip'], by: 'rule' }), '员工 王店长 打上标签：金卡会员；自动打标签规则', 'Staff member 王店长 tagged the customer: 金卡会员; by an auto-tag rule'],
  [ev('group.joined', { groupName: '', joinScene: 3 }, { userid: null, staffName: null, chatId: 'wr_1' }), '扫描群二维码，加入了客户群「静安店福利群」', 'Joined the group “静安店福利群”, by scanning the group QR code'],
  [ev('group.left', { groupName: '新品群', quitScene: 1 }, { userid: null, staffName: null, chatId: 'wr_2' }), '被移出了客户群「新品群」', 'Was removed from the group “新品群”'],
  [ev('group.left', { groupName: '新品群', dismissed: true }, { userid: null, staffName: null, chatId: 'wr_2' }), '客户群「新品群」已解散', 'The group “新品群” was dismissed'],
  [ev('order.paid', { orderId: 'O1', amount: 1234.5, currency: 'CNY', items: [{ name: '拿铁', price: 28, quantity: 2 }], channel: 'poster', codeId: 1 }),
    '支付 ¥1,234.50：拿铁 × 2；订单 O1；归属活码「门店海报」（渠道 poster）', 'Paid ¥1,234.50 for 拿铁 × 2; order O1; attributed to live code “门店海报” (channel poster)'],
  [ev('order.refunded', { orderId: 'O1', amount: 10, orderAmount: 56, full: false, refundId: 'R1', currency: 'CNY', items: [], channel: null, codeId: null }),
    '部分退款 ¥10.00（订单金额 ¥56.00）；订单 O1', 'Refunded ¥10.00 of ¥56.00; order O1'],
  [ev('order.refunded', { orderId: 'O2', amount: 56, orderAmount: 56, full: true }), '全额退款 ¥56.00；订单 O2', 'Refunded ¥56.00 in full; order O2'],
  [ev('contact.received', { source: 'broadcast', sourceId: 4, preview: '双十二会员日', ledgerId: 9 }), '收到王店长 的群发：双十二会员日', 'Received a broadcast from 王店长: 双十二会员日'],
  [ev('contact.skipped', { source: 'broadcast', sourceId: 4, channel: 'broadcast', via: 'mass', preview: '双十二会员日', reason: 'cap_day', ledgerId: 10 }),
    '未发送王店长 的群发（超过每日上限）：双十二会员日', 'Not sent a broadcast from 王店长 (over the daily cap): 双十二会员日'],
  [ev('contact.skipped', { source: 'playbook', preview: '生日快乐', reason: 'quiet_hours' }, { userid: null, staffName: null }),
    '未发送SOP（免打扰时段）：生日快乐', 'Not sent a playbook (quiet hours): 生日快乐'],
  [ev('contact.skipped', { source: 'task', preview: '新品到店', reason: 'dnd' }), '未发送王店长 的员工消息（勿扰标签）：新品到店', 'Not sent a staff message from 王店长 (the do-not-disturb tag): 新品到店'],
];

describe('timeline sentences', () => {
  it.each(CASES)('%#: %s', (event, zh, en) => {
    expect(describeEvent(event, names)).toEqual({ zh, en });
  });

  it('never shows a known type as raw "key: value" pairs or ids that have names', () => {
    for (const [event] of CASES) {
      const { zh, en } = describeEvent(event, names);
      for (const text of [zh, en]) {
        expect(text).not.toMatch(/\b(codeId|visitId|channel|source|state|orderId|tagIds|userid)\s*:/);
        expect(text).not.toMatch(/\bet_(vip|coffee)\b/);
      }
    }
  });

  it('reads an unknown type with its fields spelled out, and finds the ids a page refers to', () => {
    expect(describeEvent(ev('coupon.redeemed', { couponId: 'C9', valueYuan: 5 }), names)).toEqual({
      zh: '事件 coupon.redeemed；员工 王店长；coupon id: C9、value yuan: 5', en: 'Event coupon.redeemed; staff member 王店长; coupon id: C9, value yuan: 5',
    });
    expect(referencedIds([ev('tag.added', { tagIds: ['a', 'b'], codeId: 4 }, { staffName: null, chatId: 'wr_9' })]))
      .toEqual({ codeIds: ['4'], tagIds: ['a', 'b'], chatIds: ['wr_9'], userids: ['wangdian'] });
  });
});
