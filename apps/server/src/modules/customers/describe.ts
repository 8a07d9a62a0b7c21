// A timeline event as a sentence a person reads, in Chinese and English: who did what, through which live
// code or channel, with names (staff, codes, tags, groups) instead of ids. The console and the chat sidebar
// both show it. Known event types drop what only machines need (visit ids, currencies); an unknown type
// still reads as "field: value" with the field's words spelled out, so nothing is silently lost.
import type { Bilingual } from '../../platform/audit';

export interface DescribableEvent {
  type: string;
  userid: string | null;
  staffName: string | null;
  chatId: string | null;
  data: Record<string, unknown> | null;
}

/** Names of what events refer to by id, looked up for a page of events (see CustomerService.timeline). */
export interface EventNames {
  codes: Map<string, string>;
  tags: Map<string, string>;
  groups: Map<string, string>;
  staff: Map<string, string>;
}

const ADD_WAY: Record<string, [string, string]> = {
  '0': ['未知来源', 'an unknown source'], '1': ['扫描二维码', 'scanning a QR code'], '2': ['搜索手机号', 'a phone number search'],
  '3': ['名片分享', 'a shared contact card'], '4': ['群聊', 'a group chat'], '5': ['手机通讯录', 'the phone address book'],
  '6': ['微信联系人', 'a WeChat contact'], '7': ['微信好友申请', 'a WeChat friend request'], '8': ['第三方应用自动添加', 'a third-party app'],
  '9': ['搜索邮箱', 'an email search'], '10': ['视频号', 'WeChat Channels'], '11': ['日程参与人', 'a schedule'], '12': ['会议参与人', 'a meeting'],
  '13': ['微信好友对应的企业微信', "a WeChat friend's WeCom account"], '14': ['智慧硬件专属客服', 'a smart-hardware service'],
  '15': ['上门服务客服', 'an on-site service'], '16': ['获客链接', 'an acquisition link'], '17': ['定制开发', 'a custom integration'],
  '18': ['需求回复', 'a requirement reply'], '201': ['内部成员共享', "a colleague's share"], '202': ['管理员/负责人分配', 'assignment by an admin'],
};
const JOIN_SCENE: Record<string, [string, string]> = { '1': ['由群成员直接邀请', 'invited by a member'], '2': ['通过邀请链接', 'through an invite link'], '3': ['扫描群二维码', 'by scanning the group QR code'] };
const TRANSFER_FAIL: Record<string, [string, string]> = {
  customer_refused: ['客户拒绝了转接', 'the customer refused'],
  customer_limit_exceed: ['接替成员的客户数已达上限', "the new staff member's customer limit is reached"],
};
const WELCOME: Record<string, [string, string]> = {
  sent: ['欢迎语已发送', 'welcome message sent'], failed: ['欢迎语发送失败', 'welcome message failed'], skipped: ['未发送欢迎语', 'no welcome message sent'],
};

/** Why the contact budget (or the channel) skipped an attempt to reach the customer (SKIP_REASONS). */
const SKIP_REASON: Record<string, [string, string]> = {
  dnd: ['勿扰标签', 'the do-not-disturb tag'], quiet_hours: ['免打扰时段', 'quiet hours'], duplicate: ['相同内容近期已发', 'the same content was sent recently'],
  cap_day: ['超过每日上限', 'over the daily cap'], cap_week: ['超过每周上限', 'over the weekly cap'], cap_month: ['超过每月上限', 'over the monthly cap'],
  min_gap: ['距上次触达太近', 'too soon after the last message'], wecom_cap: ['超过企业微信群发上限', "over WeCom's mass-send cap"],
  no_relation: ['没有可发送的员工', 'no staff member to send it'], excluded: ['被排除', 'excluded'], exited: ['已退出', 'left the playbook'],
  not_friend: ['已不是好友', 'no longer a friend'], over_wecom_cap: ['企业微信判定超限', 'WeCom reported its cap reached'], staff_gone: ['员工已离职', 'the staff member left'],
};
/** The channel a contact attempt came through, by its ledger source. */
const contactVia = (source: string | null): Bilingual => (source === 'broadcast' ? { zh: '群发', en: 'a broadcast' } : source === 'playbook' ? { zh: 'SOP', en: 'a playbook' }
  : source === 'moment' ? { zh: '朋友圈', en: 'a moment' } : { zh: '员工消息', en: 'a staff message' });

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));
const pick = (data: Record<string, unknown>, ...keys: string[]) => {
  for (const k of keys) if (data[k] !== undefined && data[k] !== null && data[k] !== '') return data[k];
  return undefined;
};
const yuan = (v: unknown) => `¥${Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** "a、b" / "a, b" */
const list = (items: string[]): Bilingual => ({ zh: items.join('、'), en: items.join(', ') });
/** The sentence and its notes: "主句；注一；注二" / "Main sentence; note; note". */
function sentence(main: Bilingual, notes: (Bilingual | null)[]): Bilingual {
  const n = notes.filter((x): x is Bilingual => !!x);
  return { zh: [main.zh, ...n.map((x) => x.zh)].join('；'), en: [main.en, ...n.map((x) => x.en)].join('; ') };
}
const labelled = (table: Record<string, [string, string]>, v: unknown): Bilingual | null => {
  const key = str(v);
  if (key === null) return null;
  const [zh, en] = table[key] ?? [key, key];
  return { zh, en };
};

const cap = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;

/** camelCase or snake_case field names as words: `bulkJobId` → "bulk job id". */
const words = (key: string) => key.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

export function describeEvent(e: DescribableEvent, names: EventNames): Bilingual {
  const data = e.data ?? {};
  const staffName = e.staffName || (e.userid ? names.staff.get(e.userid) ?? e.userid : null);
  const staff: Bilingual = staffName ? { zh: `员工 ${staffName}`, en: `staff member ${staffName}` } : { zh: '员工', en: 'a staff member' };
  const codeId = str(pick(data, 'codeId', 'code_id'));
  const codeName = str(data.codeName) ?? (codeId ? names.codes.get(codeId) ?? `#${codeId}` : null);
  const channel = str(data.channel);
  const viaCode: Bilingual | null = codeName
    ? { zh: `活码「${codeName}」${channel ? `（渠道 ${channel}）` : ''}`, en: `live code “${codeName}”${channel ? ` (channel ${channel})` : ''}` }
    : channel ? { zh: `渠道 ${channel}`, en: `channel ${channel}` } : null;
  const bySource: Bilingual | null = data.by === 'pond' ? { zh: '在鱼塘修改', en: 'changed in Pond' }
    : data.by === 'rule' ? { zh: '自动打标签规则', en: 'by an auto-tag rule' }
      : data.by === 'moment' ? { zh: `互动了朋友圈${str(data.momentName) ? `「${str(data.momentName)}」` : ''}（自动打标签）`, en: `auto-tagged for engaging with the moment${str(data.momentName) ? ` “${str(data.momentName)}”` : ''}` }
      : str(data.by) ? { zh: `来源 ${str(data.by)}`, en: `by ${str(data.by)}` } : null;
  const group = () => {
    const name = str(pick(data, 'groupName', 'group_name', 'chatName', 'chat_name')) ?? (e.chatId ? names.groups.get(e.chatId) : undefined) ?? null;
    return name ? { zh: `「${name}」`, en: ` “${name}”` } : { zh: '', en: '' };
  };
  const tagNames = () => {
    const ids = pick(data, 'tagIds', 'tag_ids');
    const given = pick(data, 'tagNames', 'tag_names');
    if (Array.isArray(given)) return given.map((n) => str(n) ?? '?');
    return Array.isArray(ids) ? (ids as unknown[]).map((id) => { const k = str(id) ?? '?'; return names.tags.get(k) ?? k; }) : [];
  };

  switch (e.type) {
    case 'customer.added':
    case 'customer.half_added': {
      const addWay = labelled(ADD_WAY, pick(data, 'addWay', 'add_way'));
      const via = viaCode
        ? { zh: `通过${viaCode.zh}`, en: ` via ${viaCode.en}` }
        : addWay ? { zh: `通过${addWay.zh}`, en: ` through ${addWay.en}` } : { zh: '', en: '' };
      const half = e.type === 'customer.half_added';
      const welcome = labelled(WELCOME, data.welcome);
      const errcode = str(data.welcomeErrcode);
      return sentence(
        half ? { zh: `${via.zh}免验证添加了${staff.zh}（员工尚未通过）`, en: `Added ${staff.en} without verification${via.en} (not yet accepted)` }
          : { zh: `${via.zh}添加了${staff.zh}`, en: `Added ${staff.en}${via.en}` },
        [
          !codeName && str(data.state) ? { zh: `渠道参数 ${str(data.state)}`, en: `state ${str(data.state)}` } : null,
          welcome && errcode ? { zh: `${welcome.zh}（错误码 ${errcode}）`, en: `${welcome.en} (errcode ${errcode})` } : welcome,
          data.reAdd === true || data.re_add === true ? { zh: '再次添加', en: 'added again' } : null,
          data.source === 'sync' ? { zh: '来自同步', en: 'from sync' } : null,
        ],
      );
    }
    case 'customer.deleted_by_staff':
      return { zh: `${staff.zh} 删除了该客户`, en: `Removed by ${staff.en}` };
    case 'customer.deleted_staff':
      return { zh: `客户删除了${staff.zh}`, en: `The customer deleted ${staff.en}` };
    case 'follow.transferred':
      return { zh: `客户已从${staff.zh}转接给接替成员（客户继承）`, en: `Handed over from ${staff.en} to a new staff member` };
    case 'follow.transfer_failed': {
      const reason = labelled(TRANSFER_FAIL, pick(data, 'reason', 'failReason', 'fail_reason'));
      return { zh: `转接给${staff.zh}失败${reason ? `：${reason.zh}` : ''}`, en: `Handover to ${staff.en} failed${reason ? `: ${reason.en}` : ''}` };
    }
    case 'follow.edited': {
      const added = Array.isArray(data.personalTagsAdded) ? data.personalTagsAdded.map(String) : [];
      const removed = Array.isArray(data.personalTagsRemoved) ? data.personalTagsRemoved.map(String) : [];
      return sentence({ zh: `${staff.zh} 修改了客户资料`, en: `${cap(staff.en)} edited the customer's details` }, [
        added.length ? { zh: `添加个人标签：${list(added).zh}`, en: `personal tags added: ${list(added).en}` } : null,
        removed.length ? { zh: `移除个人标签：${list(removed).zh}`, en: `personal tags removed: ${list(removed).en}` } : null,
      ]);
    }
    case 'remark.changed': {
      const side = (v: unknown): Bilingual => (str(v) === null ? { zh: '（空）', en: '(empty)' } : { zh: `「${str(v)}」`, en: `“${str(v)}”` });
      const from = side(data.from);
      const to = side(data.to);
      return sentence({ zh: `${staff.zh} 把备注从${from.zh}改为${to.zh}`, en: `${cap(staff.en)} changed the remark from ${from.en} to ${to.en}` }, [bySource]);
    }
    case 'tag.added':
    case 'tag.removed': {
      const tags = list(tagNames());
      const adding = e.type === 'tag.added';
      return sentence(
        adding ? { zh: `${staff.zh} 打上标签：${tags.zh}`, en: `${cap(staff.en)} tagged the customer: ${tags.en}` }
          : { zh: `${staff.zh} 移除标签：${tags.zh}`, en: `${cap(staff.en)} removed the tags: ${tags.en}` },
        [
          codeName ? { zh: `${viaCode!.zh}的标签`, en: `the tags of ${viaCode!.en}` } : null,
          bySource,
          str(data.bulkJobId) ? { zh: `批量打标签任务 #${str(data.bulkJobId)}`, en: `bulk tagging job #${str(data.bulkJobId)}` } : null,
        ],
      );
    }
    case 'group.joined': {
      const g = group();
      const scene = labelled(JOIN_SCENE, pick(data, 'joinScene', 'join_scene'));
      return { zh: `${scene ? `${scene.zh}，` : ''}加入了客户群${g.zh}`, en: `Joined the group${g.en}${scene ? `, ${scene.en}` : ''}` };
    }
    case 'group.left': {
      const g = group();
      if (data.dismissed === true) return { zh: `客户群${g.zh}已解散`, en: `The group${g.en} was dismissed` };
      const scene = pick(data, 'quitScene', 'quit_scene');
      return str(scene) === '1' ? { zh: `被移出了客户群${g.zh}`, en: `Was removed from the group${g.en}` }
        : { zh: `退出了客户群${g.zh}`, en: `Left the group${g.en}` };
    }
    case 'contact.received':
    case 'contact.skipped': {
      const via = contactVia(str(data.source));
      const from: Bilingual = staffName ? { zh: `${staffName} 的`, en: ` from ${staffName}` } : { zh: '', en: '' };
      const preview = str(data.preview);
      const what: Bilingual = preview ? { zh: `：${preview}`, en: `: ${preview}` } : { zh: '', en: '' };
      if (e.type === 'contact.received') return { zh: `收到${from.zh}${via.zh}${what.zh}`, en: `Received ${via.en}${from.en}${what.en}` };
      const reason = labelled(SKIP_REASON, data.reason);
      const why: Bilingual = reason ? { zh: `（${reason.zh}）`, en: ` (${reason.en})` } : { zh: '', en: '' };
      return { zh: `未发送${from.zh}${via.zh}${why.zh}${what.zh}`, en: `Not sent ${via.en}${from.en}${why.en}${what.en}` };
    }
    case 'moment.liked':
    case 'moment.commented': {
      const name = str(data.momentName);
      const m: Bilingual = name ? { zh: `朋友圈「${name}」`, en: ` moment “${name}”` } : { zh: '朋友圈', en: ' moment' };
      const whose: Bilingual = staffName ? { zh: `${staffName} 的`, en: `${staffName}'s` } : { zh: '员工的', en: "a staff member's" };
      return e.type === 'moment.liked'
        ? { zh: `赞了${whose.zh}${m.zh}`, en: `Liked ${whose.en}${m.en}` }
        : { zh: `评论了${whose.zh}${m.zh}`, en: `Commented on ${whose.en}${m.en}` };
    }
    case 'order.paid': {
      const items = Array.isArray(data.items) ? data.items.map((it) => {
        const o = (it && typeof it === 'object' ? it : {}) as Record<string, unknown>;
        return `${str(o.name) ?? '?'} × ${str(o.quantity) ?? '1'}`;
      }) : [];
      const what = list(items);
      return sentence(
        { zh: `支付 ${yuan(data.amount)}${items.length ? `：${what.zh}` : ''}`, en: `Paid ${yuan(data.amount)}${items.length ? ` for ${what.en}` : ''}` },
        [
          str(data.orderId) ? { zh: `订单 ${str(data.orderId)}`, en: `order ${str(data.orderId)}` } : null,
          viaCode ? { zh: `归属${viaCode.zh}`, en: `attributed to ${viaCode.en}` } : null,
        ],
      );
    }
    case 'order.refunded': {
      const main = data.full === false && data.orderAmount !== undefined
        ? { zh: `部分退款 ${yuan(data.amount)}（订单金额 ${yuan(data.orderAmount)}）`, en: `Refunded ${yuan(data.amount)} of ${yuan(data.orderAmount)}` }
        : { zh: `全额退款 ${yuan(data.amount)}`, en: `Refunded ${yuan(data.amount)} in full` };
      return sentence(main, [str(data.orderId) ? { zh: `订单 ${str(data.orderId)}`, en: `order ${str(data.orderId)}` } : null]);
    }
    // Check-in (签到 / 打卡挑战).
    case 'checkin.done':
      return sentence(
        data.makeup ? { zh: `补签 ${str(data.day)}：${str(data.name)}`, en: `Made up ${str(data.day)} in ${str(data.name)}` } : { zh: `签到：${str(data.name)}`, en: `Checked in: ${str(data.name)}` },
        [{ zh: `连续 ${str(data.streak)} 天，累计 ${str(data.days)} 天`, en: `streak ${str(data.streak)}, ${str(data.days)} days in all` }],
      );
    case 'checkin.milestone':
      return sentence({ zh: `达成签到里程碑 ${str(data.days)} 天：${str(data.title)}`, en: `Reached the ${str(data.days)}-day milestone: ${str(data.title)}` }, [{ zh: str(data.name) ?? '', en: str(data.name) ?? '' }]);
    case 'checkin.completed':
      return sentence({ zh: `完成打卡挑战：${str(data.name)}`, en: `Completed the check-in challenge ${str(data.name)}` }, [
        data.cashbackRewardId ? { zh: '报名费返现待发放', en: 'entry fee cash-back granted' } : null,
      ]);
    case 'checkin.failed':
      return sentence({ zh: `打卡挑战未完成：${str(data.name)}`, en: `Check-in challenge not completed: ${str(data.name)}` }, [
        data.reason === 'streak_broken' ? { zh: '连续打卡中断', en: 'the streak broke' } : { zh: '活动已结束', en: 'the campaign ended' },
      ]);
    case 'checkin.refunded':
      return sentence({ zh: '打卡挑战报名费已退款，挑战结束', en: 'Check-in challenge fee refunded: the challenge ended' }, [
        str(data.orderId) ? { zh: `订单 ${str(data.orderId)}`, en: `order ${str(data.orderId)}` } : null,
        data.cashbackState === 'void' ? { zh: '返现已作废', en: 'cash-back voided' } : data.cashbackState === 'issued' ? { zh: '返现已发放，不追回', en: 'cash-back already paid (not clawed back)' } : null,
      ]);
    default: {
      const fields = Object.entries(data).filter(([, v]) => str(v) !== null).map(([k, v]) => `${words(k)}: ${str(v)}`);
      const who = staffName ? [{ zh: `员工 ${staffName}`, en: `staff member ${staffName}` }] : [];
      return sentence({ zh: `事件 ${e.type}`, en: `Event ${e.type}` }, [...who, ...(fields.length ? [list(fields)] : [])]);
    }
  }
}

/** The ids a page of events refers to, for one lookup per kind. */
export function referencedIds(events: DescribableEvent[]): { codeIds: string[]; tagIds: string[]; chatIds: string[]; userids: string[] } {
  const codeIds = new Set<string>();
  const tagIds = new Set<string>();
  const chatIds = new Set<string>();
  const userids = new Set<string>();
  for (const e of events) {
    const d = e.data ?? {};
    const code = str(pick(d, 'codeId', 'code_id'));
    if (code && !str(d.codeName)) codeIds.add(code);
    if (!Array.isArray(pick(d, 'tagNames', 'tag_names'))) {
      for (const id of [pick(d, 'tagIds', 'tag_ids')].flat() as unknown[]) {
        const k = str(id);
        if (k !== null) tagIds.add(k);
      }
    }
    if (e.chatId) chatIds.add(e.chatId);
    if (e.userid && !e.staffName) userids.add(e.userid);
  }
  return { codeIds: [...codeIds], tagIds: [...tagIds], chatIds: [...chatIds], userids: [...userids] };
}
