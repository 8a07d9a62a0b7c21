// Settling a mass send whose add_msg_template call got no answer (the process died or the network failed mid-call):
// WeCom may have made it. Before calling again or giving up, look for it in WeCom's own list — same chat type, same
// content, made since the call started (a margin for clocks), with the sender among its tasks, and not already another
// send's (a broadcast's or a playbook's). Broadcasts and playbooks both settle their stale sends with it.
import type pg from 'pg';
import type { WecomClient } from '@pond/wecom';

type Db = Pick<pg.Pool, 'query'>;

export interface MassSendLookup {
  chatType: 'single' | 'group';
  sender: string;
  /** The text as sent ('' for none) and the attachments' msgtypes in order. */
  text: string;
  attachmentTypes: string[];
  /** When the call started (the claim). */
  since: Date;
}

/** Clocks of Pond and WeCom may differ: the window opens this much before the claim. */
const CLOCK_MARGIN_MS = 10 * 60_000;

/** The msgids some send of Pond already owns (broadcasts and playbooks): a mass send is adopted by one send only. */
export async function massMsgidsInUse(db: Db, corpId: string, msgids: string[]): Promise<Set<string>> {
  if (!msgids.length) return new Set();
  const { rows } = await db.query<{ msgid: string }>(
    `SELECT msgid FROM broadcast_sends WHERE corp_id = $1 AND msgid = ANY($2::text[])
     UNION SELECT msgid FROM playbook_mass_sends WHERE corp_id = $1 AND msgid = ANY($2::text[])`, [corpId, msgids]);
  return new Set(rows.map((r) => r.msgid));
}

/** The msgid of the mass send WeCom made for this call, or null when it made none. */
export async function findMassSend(db: Db, client: WecomClient, corpId: string, q: MassSendLookup): Promise<string | null> {
  const start = Math.floor((q.since.getTime() - CLOCK_MARGIN_MS) / 1000);
  const attachments = q.attachmentTypes.join(',');
  const candidates: string[] = [];
  for await (const m of client.iterateGroupmsgListV2({ chat_type: q.chatType, start_time: start, end_time: Math.floor(Date.now() / 1000), filter_type: 0 })) {
    const theirs = (m.attachments ?? []).map((a) => a.msgtype).join(',');
    if ((m.text?.content ?? '') === q.text && theirs === attachments) candidates.push(m.msgid);
  }
  if (!candidates.length) return null;
  const used = await massMsgidsInUse(db, corpId, candidates);
  for (const msgid of candidates.filter((c) => !used.has(c))) {
    for await (const t of client.iterateGroupmsgTask(msgid)) if (t.userid === q.sender) return msgid;
  }
  return null;
}
