// WeCom's decrypted archive JSON (one message per item) → Pond's ArchivedMessage. The shapes are WeCom's: common
// fields {msgid, action, from, tolist, roomid, msgtime} and `[msgtype]: {...}`; a switch (action 'switch') carries
// {time, user} instead. Anything unknown is kept as `other` with its payload.
import { ARCHIVE_MSG_TYPES, type ArchiveAction, type ArchivedMessage, type ArchiveMsgType, type ArchiveSenderKind } from '@pond/contracts/archive';

/** Customers are external userids (wm… / wo…); wb… are robots; anything else is a member's userid. */
export function senderKindOf(id: string): ArchiveSenderKind {
  if (/^w[mo]/.test(id)) return 'customer';
  if (id === '' || id.startsWith('wb')) return 'other';
  return 'staff';
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const join = (...parts: string[]) => parts.map((p) => p.trim()).filter(Boolean).join(' ');

/** The searchable text of a message body of `type`. */
function textOf(type: string, p: Record<string, unknown>): string {
  switch (type) {
    case 'text': return str(p.content);
    case 'link': return join(str(p.title), str(p.description));
    case 'weapp': return join(str(p.title), str(p.description), str(p.displayname));
    case 'card': return str(p.corpname);
    case 'file': return str(p.filename);
    case 'location': return join(str(p.title), str(p.address));
    case 'mixed': {
      const items = Array.isArray(p.item) ? (p.item as unknown[]) : [];
      return join(...items.map((i) => {
        const it = obj(i);
        if (it.type !== 'text') return '';
        try { return str(obj(JSON.parse(str(it.content))).content); } catch { return ''; }
      }));
    }
    default: return '';
  }
}

export function normalise(raw: unknown, seq: number): ArchivedMessage {
  const m = obj(raw);
  const action: ArchiveAction = m.action === 'recall' ? 'recall' : m.action === 'switch' ? 'switch' : 'send';
  const msgid = str(m.msgid);
  if (!msgid) throw new Error('an archived message without msgid');
  if (action === 'switch') {
    const user = str(m.user);
    return { msgid, seq, action, type: 'other', sender: user, senderKind: senderKindOf(user), chatId: null, peer: null, sentAt: new Date(Number(m.time) || 0), text: '', payload: { switch: { user, time: m.time } } };
  }
  const msgtype = str(m.msgtype);
  const type: ArchiveMsgType = (ARCHIVE_MSG_TYPES as readonly string[]).includes(msgtype) ? (msgtype as ArchiveMsgType) : 'other';
  const body = obj(m[msgtype]);
  const sender = str(m.from);
  const roomid = str(m.roomid);
  const tolist = Array.isArray(m.tolist) ? (m.tolist as unknown[]).map(str) : [];
  return {
    msgid, seq, action, type, sender, senderKind: senderKindOf(sender),
    chatId: roomid || null,
    peer: roomid ? null : tolist[0] ?? null,
    sentAt: new Date(Number(m.msgtime) || 0),
    text: textOf(type, body).slice(0, 20_000),
    payload: type === 'other' ? { msgtype, [msgtype]: body } : body,
  };
}

/** The customer a message is with or from, and the member: what the 360, scope and consent read. */
export function partiesOf(m: Pick<ArchivedMessage, 'sender' | 'senderKind' | 'chatId' | 'peer' | 'type' | 'payload'>): { externalUserid: string | null; userid: string | null } {
  // agree / disagree lines name the customer in their body.
  if (m.type === 'agree' || m.type === 'disagree') {
    const who = str(m.payload.userid) || m.sender;
    return { externalUserid: senderKindOf(who) === 'customer' ? who : null, userid: m.peer && senderKindOf(m.peer) === 'staff' ? m.peer : null };
  }
  const peerKind = m.peer ? senderKindOf(m.peer) : null;
  return {
    externalUserid: m.senderKind === 'customer' ? m.sender : !m.chatId && peerKind === 'customer' ? m.peer : null,
    userid: m.senderKind === 'staff' ? m.sender : !m.chatId && peerKind === 'staff' ? m.peer : null,
  };
}
