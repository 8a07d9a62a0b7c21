// The plaintext of each callback WeCom sends for customer contact (WECOM.md §3), as flat field
// records in WeCom's field order. `key` orders delivery: events about one customer, one group or
// one corp's tags are sent one after another; unrelated events go out concurrently.

export type EventFields = Record<string, string | number | string[] | undefined>;

export interface SimEvent {
  corpId: string;
  key: string;
  fields: EventFields;
}

function head(corpId: string, nowSec: number, event: string): EventFields {
  return { ToUserName: corpId, FromUserName: 'sys', CreateTime: nowSec, MsgType: 'event', Event: event };
}

const emptyToUndefined = (v: string | undefined) => (v ? v : undefined);

export type ContactChange =
  | 'add_external_contact'
  | 'add_half_external_contact'
  | 'edit_external_contact'
  | 'del_external_contact'
  | 'del_follow_user'
  | 'transfer_fail';

export function contactEvent(
  corpId: string,
  nowSec: number,
  changeType: ContactChange,
  f: { userid: string; externalUserid: string; state?: string; welcomeCode?: string; source?: string; failReason?: string },
): SimEvent {
  return {
    corpId,
    key: `${corpId}:c:${f.externalUserid}`,
    fields: {
      ...head(corpId, nowSec, 'change_external_contact'),
      ChangeType: changeType,
      UserID: f.userid,
      ExternalUserID: f.externalUserid,
      State: emptyToUndefined(f.state),
      WelcomeCode: emptyToUndefined(f.welcomeCode),
      Source: emptyToUndefined(f.source),
      FailReason: emptyToUndefined(f.failReason),
    },
  };
}

export type ChatUpdateDetail = 'add_member' | 'del_member' | 'change_owner' | 'change_name' | 'change_notice';

export function chatEvent(
  corpId: string,
  nowSec: number,
  changeType: 'create' | 'update' | 'dismiss',
  chatId: string,
  u: {
    detail?: ChatUpdateDetail;
    joinScene?: number;
    quitScene?: number;
    members?: string[];
    lastMemVer?: string;
    curMemVer?: string;
  } = {},
): SimEvent {
  return {
    corpId,
    key: `${corpId}:g:${chatId}`,
    fields: {
      ...head(corpId, nowSec, 'change_external_chat'),
      ChatId: chatId,
      ChangeType: changeType,
      UpdateDetail: u.detail,
      JoinScene: u.joinScene,
      QuitScene: u.quitScene,
      MemChangeCnt: u.members ? u.members.length : undefined,
      MemChangeList: u.members,
      LastMemVer: u.lastMemVer,
      CurMemVer: u.curMemVer,
    },
  };
}

export function tagEvent(
  corpId: string,
  nowSec: number,
  changeType: 'create' | 'update' | 'delete' | 'shuffle',
  id: string,
  tagType: 'tag' | 'tag_group',
): SimEvent {
  return {
    corpId,
    key: `${corpId}:t`,
    fields: { ...head(corpId, nowSec, 'change_external_tag'), Id: id, TagType: tagType, ChangeType: changeType },
  };
}

/** 获客助手 (WECOM.md §3 "Customer acquisition events"): quota events carry no LinkId; link events carry the link's. */
export type AcquisitionChange = 'balance_low' | 'balance_exhausted' | 'link_unavailable' | 'delete_link' | 'customer_start_chat' | 'friend_request';

export function acquisitionEvent(corpId: string, nowSec: number, changeType: AcquisitionChange, f: { linkId?: string; chatKey?: string } = {}): SimEvent {
  return {
    corpId,
    key: `${corpId}:ca`,
    fields: { ...head(corpId, nowSec, 'customer_acquisition'), ChangeType: changeType, LinkId: f.linkId, ChatKey: f.chatKey },
  };
}
