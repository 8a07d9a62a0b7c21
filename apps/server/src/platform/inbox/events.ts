// The inbox's events: every event Pond handles, by name (`Event/ChangeType`, as WeCom's callbacks carry them), with the
// fields its handlers read. Handlers are registered under these names (processor.ts `InboxHandlers`), and Pond's own
// events are queued under them (enqueue.ts): a name that is not here does not compile. ARCHITECTURE.md "Events" has
// the table: event → handler → tables written → what it triggers.
//
// Payloads are the event's XML fields, as strings (parseEventXml). WeCom's fields are optional (a callback is what
// WeCom sent); Pond's own events are written by Pond (enqueue), so theirs are required.
import type { CallbackEvent } from '@pond/wecom';

/** What every event carries. CreateTime: WeCom's time of the change (seconds); Pond's own events copy their cause's. */
export type EventEnvelope = {
  ToUserName?: string; FromUserName?: string; CreateTime?: string; MsgType?: string; Event?: string; ChangeType?: string;
};

/** change_external_contact: a relation between a member (UserID) and a customer (ExternalUserID) changed. */
export type ContactChange = EventEnvelope & { ExternalUserID?: string; UserID?: string };
/** add_external_contact / add_half_external_contact: `State` names the live code scanned; `WelcomeCode` is valid 20 s. */
export type ContactAdd = ContactChange & { State?: string; WelcomeCode?: string };
/** del_external_contact: `Source` DELETE_BY_TRANSFER when the relation moved to another member. */
export type ContactDelete = ContactChange & { Source?: string };
/** transfer_fail: a handover to another member was refused. */
export type TransferFail = ContactChange & { FailReason?: string };
/** change_external_chat: a customer group changed; handlers re-read it (groupchat/get). */
export type ChatChange = EventEnvelope & { ChatId?: string; UpdateDetail?: string; JoinScene?: string; QuitScene?: string };
/** change_external_tag: a corp tag or tag group (`TagType`) was created, updated, deleted or reordered (shuffle). */
export type TagChange = EventEnvelope & { Id?: string; TagType?: string };

/**
 * customer_acquisition (获客助手, WECOM.md §3/§15): the corp's quota runs low or out (balance_low, balance_exhausted:
 * no LinkId), or a link stopped working (link_unavailable) or was deleted in WeCom (delete_link), with its LinkId;
 * also customer_start_chat (ChatKey, valid 30 min) and friend_request.
 */
export type AcquisitionChange = EventEnvelope & { LinkId?: string; ChatKey?: string };

/** Pond's own: read a customer from WeCom after their add (queued by the add's second step, ADR 0003). */
export type EnrichRequest = EventEnvelope & {
  ExternalUserID: string;
  UserID: string;
  /** The add's inbox id: the version of what the read stores (ADR 0013) and the key of the add's attribution. */
  SourceInbox: string;
  /** '1' for a fresh add (not a re-add, a half add, or an add a newer delete superseded): apply the live code's tags and remark. */
  ApplyCode: '0' | '1';
  /** The add's CreateTime. */
  CreateTime: string;
};

/** Pond's own: a shop order was matched to a customer (queued by the statement that matched it, ADR 0008). */
export type OrderMatched = EventEnvelope & { ExternalUserID: string; CreateTime: string; OrderId?: string };
/** Pond's own: a refund of an order that has its customer (queued with the refund); campaigns revoke what it paid for. */
export type OrderRefunded = EventEnvelope & { ExternalUserID: string; CreateTime: string; OrderId: string; RefundId: string; Full: '0' | '1' };

/** Pond's own (issue 16): a customer's question matched an FAQ; make the suggested reply (budget, task, app message). */
export type FaqSuggest = EventEnvelope & { QuestionId: string; CreateTime: string };
/** Pond's own: a question was answered in the chat; its open suggestion task ends (done by Pond's reading of WeCom). */
export type FaqAnswered = EventEnvelope & { QuestionId: string; TaskId: string; CreateTime: string };
/** Pond's own: moderation alerted an owner with a task; tell them now (app message) rather than at the next minute. */
export type ModerationAlert = EventEnvelope & { ChatId: string; CreateTime: string };
/**
 * WeCom's keyword-rule hit (数据与智能专区, WECOM.md §18; the exact fields are UNCONFIRMED): which rule, the chat (ChatId
 * for a group, else the 1:1 pair), who sent it, the message id and text when given.
 */
export type KeywordHit = EventEnvelope & {
  RuleId?: string; Keyword?: string; ChatId?: string; ExternalUserID?: string; UserID?: string; MsgId?: string; Content?: string; MsgTime?: string;
};

/** Event name → payload. `Event/*` handles every ChangeType of that Event not named on its own. */
export interface InboxEvents {
  'change_external_contact/add_external_contact': ContactAdd;
  'change_external_contact/add_half_external_contact': ContactAdd;
  'change_external_contact/edit_external_contact': ContactChange;
  'change_external_contact/del_external_contact': ContactDelete;
  'change_external_contact/del_follow_user': ContactChange;
  'change_external_contact/transfer_fail': TransferFail;
  'change_external_chat/create': ChatChange;
  'change_external_chat/update': ChatChange;
  'change_external_chat/dismiss': ChatChange;
  'change_external_tag/*': TagChange;
  'pond_enrich/contact': EnrichRequest;
  'pond_order/matched': OrderMatched;
  'pond_order/refunded': OrderRefunded;
  // Chat archive (modules/archive): new archive messages exist (no ChangeType; at most every 15 s), and a customer agreed to archiving.
  'msgaudit_notify/*': EventEnvelope;
  'change_external_contact/msg_audit_approved': ContactChange;
  'pond_faq/suggest': FaqSuggest;
  'pond_faq/answered': FaqAnswered;
  'pond_moderation/alert': ModerationAlert;
  'hit_keyword/*': KeywordHit;
  'customer_acquisition/*': AcquisitionChange;
}

export type InboxEventName = keyof InboxEvents;
/** Pond's own events: queued by Pond (enqueue), never received from WeCom. */
export type OwnEventName = Extract<InboxEventName, `pond_${string}`>;

/** The names a stored event is handled under: its own, then its Event's wildcard. */
export function namesOf(ev: CallbackEvent): [exact: string, wildcard: string] {
  const event = String(ev.Event);
  return [`${event}/${String(ev.ChangeType)}`, `${event}/*`];
}

/** `Event` and `ChangeType` of a name. */
export function splitName(name: InboxEventName): [event: string, changeType: string] {
  const i = name.indexOf('/');
  return [name.slice(0, i), name.slice(i + 1)];
}
