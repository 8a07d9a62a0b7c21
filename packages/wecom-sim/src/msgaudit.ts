// The chat archive (会话内容存档, WECOM.md §16) as the simulator plays it. Every chat line the simulated people
// write (1:1 and customer groups, either side) is also recorded here with a per-corp increasing seq, once the corp has
// registered an archive public key (开通会话存档: `setArchiveKey`). What WeCom's Finance SDK gives is served over the
// same local interface Pond's sidecar speaks (POST <prefix>/msgaudit/pull, /decrypt; docs/adr/0028-chat-archive.md):
// each item's message is encrypted with a fresh random key, the key RSA-encrypted (PKCS#1 v1.5) with the public key of
// the version current when it was written — as GetChatData hands them out and DecryptData expects. The SDK's own
// symmetric cipher is not published; the simulator's (AES-256-CBC, the key's first 16 bytes as IV) stands in for it,
// and only the simulator's /decrypt (or, in production, the SDK in the sidecar) ever opens it.
import { constants, createCipheriv, createDecipheriv, createPublicKey, publicEncrypt, type KeyObject } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { SimContext } from './context';
import type { Sql } from './db';
import { num } from './db';
import { ControlError, E, SimError } from './errors';
import { externalUseridFor, newIds, randomId } from './ids';
import type { SimEvent } from './events';

/** The Finance SDK's error codes the interface answers with (GetChatData's ret). */
export const SDK_ERR = { param: 10000, network: 10001, system: 10003, decrypt: 10006, secret: 10009 } as const;

const MAX_PULL = 1000;
const NOTIFY_INTERVAL_MS = 15_000;

/** One chat line in WeCom's archive JSON (the decrypted message): common fields plus `[msgtype]: {...}`. */
export type ArchiveBody = Record<string, unknown> & { msgid: string; action: 'send' | 'recall' | 'switch'; from: string; tolist: string[]; roomid: string; msgtime: number; msgtype?: string };

/** A send-form payload (what the simulator's people send: text, image, link, miniprogram, card…) in archive form. */
export function archiveContent(payload: Record<string, unknown>): Record<string, unknown> {
  const type = String(payload.msgtype ?? 'text');
  const p = (payload[type] ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (type) {
    case 'text':
      return { msgtype: 'text', text: { content: str(p.content) } };
    case 'image': {
      // The sdkfileid names the file: an uploaded media id (its bytes), else a made-up picture (see mediaBytes).
      const id = str(p.media_id) || str(p.pic_url) || randomId(16);
      return { msgtype: 'image', image: { md5sum: randomId(32, '0123456789abcdef'), filesize: Number(p.filesize) || 24_576 + (id.length * 97) % 9000, sdkfileid: sdkFileId(id) } };
    }
    case 'file':
    case 'voice':
    case 'video': {
      const id = str(p.media_id) || randomId(16);
      const common = { md5sum: randomId(32, '0123456789abcdef'), sdkfileid: sdkFileId(id) };
      // WeCom's shapes: a voice says voice_size and play_length (seconds), a video filesize and play_length.
      if (type === 'voice') return { msgtype: type, voice: { ...common, voice_size: Number(p.filesize) || 0, play_length: Number(p.play_length) || 0 } };
      if (type === 'video') return { msgtype: type, video: { ...common, filesize: Number(p.filesize) || 0, play_length: Number(p.play_length) || 0 } };
      return { msgtype: type, file: { ...common, filesize: Number(p.filesize) || 0, filename: str(p.filename) || 'file', fileext: (str(p.filename).split('.').pop() ?? '') } };
    }
    case 'link':
      return { msgtype: 'link', link: { title: str(p.title), description: str(p.desc) || str(p.description), link_url: str(p.url), image_url: str(p.picurl) } };
    case 'miniprogram':
    case 'weapp':
      return { msgtype: 'weapp', weapp: { title: str(p.title), description: str(p.description), username: `${str(p.appid) || 'gh_demo'}@app`, displayname: str(p.displayname) || str(p.title) } };
    case 'card':
      return { msgtype: 'card', card: { corpname: str(p.corpname) || '微信联系人', userid: str(p.userid) } };
    case 'location':
      return { msgtype: 'location', location: { longitude: Number(p.longitude ?? 121.47), latitude: Number(p.latitude ?? 31.23), address: str(p.address), title: str(p.title), zoom: 15 } };
    default:
      return { msgtype: type, [type]: p };
  }
}

const CONTENT_TYPES = ['text', 'image', 'file', 'link', 'miniprogram', 'card', 'location'];

/** A message for the control API and the phone: plain text, or `{msgtype, [msgtype]: {...}}` of a type people send. */
export function messageContent(text: unknown, message: unknown): string | (Record<string, unknown> & { msgtype: string }) {
  if (message === undefined || message === null) return typeof text === 'string' ? text : '';
  const m = message as Record<string, unknown>;
  if (typeof m !== 'object' || typeof m.msgtype !== 'string' || !CONTENT_TYPES.includes(m.msgtype)) {
    throw new ControlError(`message.msgtype: one of ${CONTENT_TYPES.join(', ')}`);
  }
  const body = m[m.msgtype];
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ControlError(`message.${m.msgtype}: an object`);
  const b = body as Record<string, unknown>;
  if (m.msgtype === 'text' && (typeof b.content !== 'string' || !b.content.trim())) throw new ControlError('message.text.content: required');
  if (m.msgtype === 'link' && (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url))) throw new ControlError('message.link.url: an http(s) URL');
  if (JSON.stringify(m).length > 8000) throw new ControlError('message: at most 8000 characters');
  return { msgtype: m.msgtype, [m.msgtype]: b };
}

/**
 * Records chat lines in the corp's archive (nothing when the corp has no archive key). Call inside the transaction that
 * stores the lines; `msgtime` in ms as WeCom gives it.
 */
export async function recordArchive(sql: Sql, corpId: string, bodies: ArchiveBody[]): Promise<void> {
  if (bodies.length === 0) return;
  await sql.q(
    `INSERT INTO {s}.msgaudit_messages (corp_id, msgid, publickey_ver, body, created_at)
     SELECT $1, b->>'msgid', k.version, b, (b->>'msgtime')::bigint FROM jsonb_array_elements($2::jsonb) AS b
       CROSS JOIN LATERAL (SELECT max(version) AS version FROM {s}.msgaudit_keys WHERE corp_id = $1) k
      WHERE k.version IS NOT NULL`,
    [corpId, JSON.stringify(bodies)],
  );
}

/** The line a member says in a group, in archive form; tolist is every other current member. */
export async function groupArchiveBody(sql: Sql, corpId: string, chatId: string, from: string, payload: Record<string, unknown>, now: number, msgid = newIds.msgid()): Promise<ArchiveBody> {
  const members = await sql.q<{ member_id: string }>(`SELECT member_id FROM {s}.group_members WHERE corp_id = $1 AND chat_id = $2 AND left_at IS NULL AND member_id <> $3`, [corpId, chatId, from]);
  return { msgid, action: 'send', from, tolist: members.map((m) => m.member_id), roomid: chatId, msgtime: now, ...archiveContent(payload) };
}

export function privateArchiveBody(from: string, to: string, payload: Record<string, unknown>, now: number, msgid = newIds.msgid()): ArchiveBody {
  return { msgid, action: 'send', from, tolist: [to], roomid: '', msgtime: now, ...archiveContent(payload) };
}

/** Asks WeCom to tell the corp new archive messages exist: msgaudit_notify, at most once per 15 s (a later one follows). */
export class ArchiveNotifier {
  private last = new Map<string, number>();
  private pending = new Map<string, NodeJS.Timeout>();
  constructor(private ctx: SimContext) {}

  notify(corpId: string): void {
    if (this.pending.has(corpId)) return;
    const wait = (this.last.get(corpId) ?? -Infinity) + NOTIFY_INTERVAL_MS - Date.now();
    const send = () => {
      this.pending.delete(corpId);
      this.last.set(corpId, Date.now());
      void this.emit(corpId);
    };
    if (wait <= 0) send();
    else {
      const t = setTimeout(send, wait);
      t.unref();
      this.pending.set(corpId, t);
    }
  }

  private async emit(corpId: string): Promise<void> {
    try {
      const corp = await this.ctx.db.one<{ agent_id: number }>(`SELECT agent_id FROM {s}.corps WHERE corp_id = $1`, [corpId]);
      if (!corp) return;
      const ev: SimEvent = {
        corpId,
        key: `${corpId}:msgaudit`,
        fields: { ToUserName: corpId, FromUserName: 'sys', CreateTime: Math.floor(this.ctx.clock.now() / 1000), MsgType: 'event', AgentID: corp.agent_id, Event: 'msgaudit_notify' },
      };
      await this.ctx.callbacks.emit([ev]);
    } catch (err) {
      this.ctx.log.error({ err }, 'wecom-sim: msgaudit_notify failed');
    }
  }

  close(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }
}

// ---- the corp's archive setup and consent ---------------------------------------------------------

/** Registers the corp's archive public key (PEM) under `version` (会话存档 → 消息加密公钥); returns the archive secret. */
export async function setArchiveKey(ctx: SimContext, corpId: string, version: number, publicKey: string): Promise<{ version: number; secret: string }> {
  if (!Number.isInteger(version) || version < 1) throw new ControlError('version: a positive integer');
  try {
    const k = createPublicKey(publicKey);
    if (k.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    throw new ControlError('publicKey: an RSA public key in PEM');
  }
  const corp = await ctx.db.one<{ msgaudit_secret: string | null }>(`SELECT msgaudit_secret FROM {s}.corps WHERE corp_id = $1`, [corpId]);
  if (!corp) throw new ControlError(`unknown corp ${corpId}`, 404);
  const secret = corp.msgaudit_secret ?? randomId(43);
  await ctx.db.tx(async (tx) => {
    await tx.q(`UPDATE {s}.corps SET msgaudit_secret = $2 WHERE corp_id = $1`, [corpId, secret]);
    await tx.q(
      `INSERT INTO {s}.msgaudit_keys (corp_id, version, public_key, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (corp_id, version) DO UPDATE SET public_key = EXCLUDED.public_key`,
      [corpId, version, publicKey, ctx.clock.now()],
    );
  });
  return { version, secret };
}

/** Whether customers who never chose count as agreeing (the demo's default) or not. */
export async function setArchiveDefaultAgree(ctx: SimContext, corpId: string, agree: boolean): Promise<void> {
  await ctx.db.q(`UPDATE {s}.corps SET msgaudit_default_agree = $2 WHERE corp_id = $1`, [corpId, agree]);
}

/**
 * The customer agrees (or refuses) to have chats with `userid` archived: the archive gets an agree / disagree line in
 * their 1:1 chat, and an agree fires change_external_contact/msg_audit_approved.
 */
export async function setArchiveConsent(ctx: SimContext, corpId: string, wechatUserId: string, userid: string, agree: boolean) {
  const ext = externalUseridFor(corpId, wechatUserId);
  const now = ctx.clock.now();
  const type = agree ? 'agree' : 'disagree';
  await ctx.db.tx(async (tx) => {
    await tx.q(
      `INSERT INTO {s}.msgaudit_agree (corp_id, external_userid, userid, status, changed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (corp_id, external_userid, userid) DO UPDATE SET status = EXCLUDED.status, changed_at = EXCLUDED.changed_at`,
      [corpId, ext, userid, agree ? 'Agree' : 'Disagree', now],
    );
    await recordArchive(tx, corpId, [{ msgid: newIds.msgid(), action: 'send', from: ext, tolist: [userid], roomid: '', msgtime: now, msgtype: type, [type]: { userid: ext, [`${type}_time`]: now } }]);
  });
  if (agree) {
    await ctx.callbacks.emit([{
      corpId, key: `${corpId}:c:${ext}`,
      fields: { ToUserName: corpId, FromUserName: 'sys', CreateTime: Math.floor(now / 1000), MsgType: 'event', Event: 'change_external_contact', ChangeType: 'msg_audit_approved', UserID: userid, ExternalUserID: ext },
    }]);
  }
  ctx.onArchived?.(corpId);
  return { externalUserid: ext, status: agree ? 'Agree' : 'Disagree' };
}

/** msgaudit/check_single_agree: {info: [{userid, exteranalopenid}]} (WeCom's spelling) → agreeinfo. */
export async function checkSingleAgree(ctx: SimContext, corpId: string, body: Record<string, unknown>) {
  const info = body.info;
  if (!Array.isArray(info) || info.length === 0) throw E.param('info', 'a non-empty list');
  if (info.length > 100) throw E.param('info', 'at most 100 items');
  const pairs = info.map((x, i) => {
    const r = (x ?? {}) as Record<string, unknown>;
    if (typeof r.userid !== 'string' || typeof r.exteranalopenid !== 'string') throw E.param(`info[${i}]`, 'userid and exteranalopenid are required');
    return { userid: r.userid, ext: r.exteranalopenid };
  });
  const corp = await ctx.db.one<{ msgaudit_default_agree: boolean }>(`SELECT msgaudit_default_agree FROM {s}.corps WHERE corp_id = $1`, [corpId]);
  const rows = await ctx.db.q<{ external_userid: string; userid: string; status: string; changed_at: string }>(
    `SELECT external_userid, userid, status, changed_at FROM {s}.msgaudit_agree WHERE corp_id = $1 AND external_userid = ANY($2::text[])`,
    [corpId, pairs.map((p) => p.ext)],
  );
  return {
    agreeinfo: pairs.map((p) => {
      const r = rows.find((x) => x.external_userid === p.ext && x.userid === p.userid);
      return {
        status_change_time: r ? Math.floor(num(r.changed_at) / 1000) : 0,
        userid: p.userid,
        exteranalopenid: p.ext,
        agree_status: r ? r.status : corp?.msgaudit_default_agree === false ? 'Disagree' : 'Agree',
      };
    }),
  };
}

// ---- GetChatData / DecryptData over the sidecar's interface -------------------------------------

const cipherOf = (key: string) => {
  const k = Buffer.from(key, 'utf8');
  if (k.length !== 32) throw new SimError(SDK_ERR.decrypt, 'decrypt fail: the key is not 32 bytes');
  return { key: k, iv: k.subarray(0, 16) };
};

export function encryptChatMsg(randomKey: string, plain: string): string {
  const { key, iv } = cipherOf(randomKey);
  const c = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
}

export function decryptChatMsg(randomKey: string, encrypted: string): string {
  const { key, iv } = cipherOf(randomKey);
  try {
    const d = createDecipheriv('aes-256-cbc', key, iv);
    return Buffer.concat([d.update(Buffer.from(encrypted, 'base64')), d.final()]).toString('utf8');
  } catch {
    throw new SimError(SDK_ERR.decrypt, 'decrypt fail');
  }
}

/** GetChatData(seq, limit): items after `seq`, oldest first, each encrypted for its key version. */
export async function pullChatData(ctx: SimContext, body: Record<string, unknown>) {
  const corpId = body.corpid;
  const secret = body.secret;
  if (typeof corpId !== 'string' || !corpId) throw new SimError(SDK_ERR.param, 'corpid: required');
  const seq = Number(body.seq ?? 0);
  const limit = Number(body.limit ?? 100);
  if (!Number.isSafeInteger(seq) || seq < 0) throw new SimError(SDK_ERR.param, 'seq: a non-negative integer');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PULL) throw new SimError(SDK_ERR.param, `limit: 1 to ${MAX_PULL}`);
  const corp = await ctx.db.one<{ msgaudit_secret: string | null }>(`SELECT msgaudit_secret FROM {s}.corps WHERE corp_id = $1`, [corpId]);
  if (!corp?.msgaudit_secret || corp.msgaudit_secret !== secret) throw new SimError(SDK_ERR.secret, 'the corp id or the archive secret is wrong (Init)');
  const rows = await ctx.db.q<{ seq: string; msgid: string; publickey_ver: number; body: ArchiveBody }>(
    `SELECT seq, msgid, publickey_ver, body FROM {s}.msgaudit_messages WHERE corp_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [corpId, seq, limit],
  );
  // Each key parsed once per pull, not once per item.
  const keys = new Map<number, KeyObject>();
  for (const k of await ctx.db.q<{ version: number; public_key: string }>(`SELECT version, public_key FROM {s}.msgaudit_keys WHERE corp_id = $1`, [corpId])) keys.set(k.version, createPublicKey(k.public_key));
  return {
    chatdata: rows.map((r) => {
      const randomKey = randomId(32);
      const key = keys.get(r.publickey_ver)!;
      return {
        seq: num(r.seq),
        msgid: r.msgid,
        publickey_ver: r.publickey_ver,
        encrypt_random_key: publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(randomKey, 'utf8')).toString('base64'),
        encrypt_chat_msg: encryptChatMsg(randomKey, JSON.stringify(r.body)),
      };
    }),
  };
}

/** DecryptData for each item: {items: [{random_key, encrypt_chat_msg}]} → {items: [{plaintext} | {errcode, errmsg}]}. */
export function decryptItems(body: Record<string, unknown>) {
  const items = body.items;
  if (!Array.isArray(items)) throw new SimError(SDK_ERR.param, 'items: a list');
  if (items.length > MAX_PULL) throw new SimError(SDK_ERR.param, `items: at most ${MAX_PULL}`);
  return {
    items: items.map((x) => {
      const r = (x ?? {}) as Record<string, unknown>;
      try {
        if (typeof r.random_key !== 'string' || typeof r.encrypt_chat_msg !== 'string') throw new SimError(SDK_ERR.param, 'random_key and encrypt_chat_msg are required');
        return { plaintext: decryptChatMsg(r.random_key, r.encrypt_chat_msg) };
      } catch (err) {
        const e = err instanceof SimError ? err : new SimError(SDK_ERR.decrypt, 'decrypt fail');
        return { errcode: e.errcode, errmsg: e.errmsg };
      }
    }),
  };
}

/** A member recalls their own line (撤回): the archive gets a revoke message naming it. */
export async function recallArchived(ctx: SimContext, corpId: string, msgid: string) {
  const row = await ctx.db.one<{ body: ArchiveBody }>(`SELECT body FROM {s}.msgaudit_messages WHERE corp_id = $1 AND msgid = $2 AND body->>'action' = 'send'`, [corpId, msgid]);
  if (!row) throw new ControlError(`no archived message ${msgid}`, 404);
  const b = row.body;
  const revoke: ArchiveBody = { msgid: newIds.msgid(), action: 'recall', from: b.from, tolist: b.tolist, roomid: b.roomid, msgtime: ctx.clock.now(), msgtype: 'revoke', revoke: { pre_msgid: msgid } };
  await recordArchive(ctx.db, corpId, [revoke]);
  ctx.onArchived?.(corpId);
  return { msgid: revoke.msgid };
}

/**
 * Bulk archive traffic for benchmarks: `messages` text lines spread round-robin over the corp's `groups` groups (wr…
 * ids of the form given), from customers `wm<prefix>_<group>_<n>` and the owner — written straight to the archive.
 */
export async function seedArchiveTraffic(ctx: SimContext, corpId: string, o: { messages: number; groups: string[]; speakersPerGroup: number; owner: string; startMs?: number }) {
  if (o.groups.length === 0) throw new ControlError('groups: at least one');
  const start = o.startMs ?? ctx.clock.now() - o.messages * 10;
  const phrases = ['请问物流信息怎么查', '今天的优惠券在哪里领', '这个活动几点开始', '我的订单还没发货', '谢谢群主', '有没有团购', '好的收到', '周末门店营业吗'];
  const CHUNK = 50_000;
  for (let off = 0; off < o.messages; off += CHUNK) {
    const n = Math.min(CHUNK, o.messages - off);
    await ctx.db.q(
      `INSERT INTO {s}.msgaudit_messages (corp_id, msgid, publickey_ver, body, created_at)
       SELECT $1, m.msgid, k.version,
              jsonb_build_object('msgid', m.msgid, 'action', 'send', 'from', m.sender, 'tolist', jsonb_build_array($5::text), 'roomid', m.room,
                                 'msgtime', m.t, 'msgtype', 'text', 'text', jsonb_build_object('content', ($6::text[])[1 + (m.i % array_length($6::text[], 1))] || ' #' || m.i)),
              m.t
         FROM (SELECT i, 'bench' || i || '_' || md5(i::text || $1) AS msgid, ($2::text[])[1 + i % array_length($2::text[], 1)] AS room,
                      CASE WHEN i % 10 = 0 THEN $5::text ELSE 'wmbench_' || (i % array_length($2::text[], 1)) || '_' || (i / array_length($2::text[], 1)) % $4::int END AS sender,
                      $3::bigint + i * 10 AS t
                 FROM generate_series($7::bigint, $8::bigint) AS i) m
        CROSS JOIN (SELECT max(version) AS version FROM {s}.msgaudit_keys WHERE corp_id = $1) k
        WHERE k.version IS NOT NULL`,
      [corpId, o.groups, start, o.speakersPerGroup, o.owner, phrases, off, off + n - 1],
    );
  }
  ctx.onArchived?.(corpId);
  const r = await ctx.db.one<{ n: string }>(`SELECT count(*) AS n FROM {s}.msgaudit_messages WHERE corp_id = $1`, [corpId]);
  return { archived: num(r?.n) };
}


// ---- GetMediaData over the sidecar's interface ------------------------------------------------------

/** What GetMediaData hands out per call (the SDK's 512 KiB); `indexbuf` says where the next call goes on. */
export const MEDIA_CHUNK = 512 * 1024;

const sdkFileId = (id: string) => `sdk${Buffer.from(id, 'utf8').toString('base64url')}`;

/**
 * The bytes behind an sdkfileid: an uploaded media file of the corp (what a member or the phone sent), else a small
 * made-up PNG (a grey square: no QR code in it), as WeCom would still have some picture for any image.
 */
async function mediaBytes(ctx: SimContext, corpId: string, sdkfileid: string): Promise<Buffer | null> {
  if (!sdkfileid.startsWith('sdk')) return null;
  const id = Buffer.from(sdkfileid.slice(3), 'base64url').toString('utf8');
  const row = await ctx.db.one<{ bytes: Buffer }>(`SELECT bytes FROM {s}.media WHERE corp_id = $1 AND media_id = $2`, [corpId, id]);
  if (row) return row.bytes;
  return greyPng(32);
}

/** GetMediaData(sdkfileid, indexbuf): {data (base64), outindexbuf, is_finish}, in MEDIA_CHUNK pieces. */
export async function mediaData(ctx: SimContext, body: Record<string, unknown>) {
  const corpId = body.corpid;
  if (typeof corpId !== 'string' || !corpId) throw new SimError(SDK_ERR.param, 'corpid: required');
  const corp = await ctx.db.one<{ msgaudit_secret: string | null }>(`SELECT msgaudit_secret FROM {s}.corps WHERE corp_id = $1`, [corpId]);
  if (!corp?.msgaudit_secret || corp.msgaudit_secret !== body.secret) throw new SimError(SDK_ERR.secret, 'the corp id or the archive secret is wrong (Init)');
  if (typeof body.sdkfileid !== 'string' || !body.sdkfileid) throw new SimError(SDK_ERR.param, 'sdkfileid: required');
  const indexbuf = typeof body.indexbuf === 'string' ? body.indexbuf : '';
  const m = indexbuf === '' ? ['', '0'] : /^Range:bytes=(\d+)-\d*$/.exec(indexbuf);
  if (!m) throw new SimError(SDK_ERR.param, 'indexbuf: as the last call gave it');
  const bytes = await mediaBytes(ctx, corpId, body.sdkfileid);
  if (!bytes) throw new SimError(SDK_ERR.param, 'sdkfileid: unknown file');
  const start = Number(m[1]);
  const end = Math.min(bytes.length, start + MEDIA_CHUNK);
  const isFinish = end >= bytes.length;
  return { data: bytes.subarray(start, end).toString('base64'), outindexbuf: isFinish ? '' : `Range:bytes=${end}-${Math.min(bytes.length, end + MEDIA_CHUNK) - 1}`, is_finish: isFinish };
}

/** A grey `size`×`size` PNG (8-bit greyscale). */
function greyPng(size: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 0; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const rows = Buffer.alloc((size + 1) * size, 0xb0);
  for (let y = 0; y < size; y++) rows[y * (size + 1)] = 0;
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
