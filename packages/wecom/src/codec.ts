// Callback codec: WeCom's msg_signature, AES-256-CBC envelope (via Tencent's @wecom/crypto,
// PKCS#7 padded to 32 bytes) and the XML around it. No I/O, no Pond logic.
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature, getJsApiSignature } from '@wecom/crypto';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

export class CallbackError extends Error {
  constructor(
    readonly kind: 'signature' | 'malformed' | 'receive_id',
    message: string,
  ) {
    super(message);
    this.name = 'CallbackError';
  }
}

export interface CallbackCredentials {
  token: string;
  encodingAesKey: string;
  /** The corpid (self-built app) the plaintext's receiveid must equal. */
  receiveId: string;
}

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false, // keep ids such as "0123" and long numbers as strings
  trimValues: true,
  isArray: (name) => name === 'Item',
});
const xmlBuilder = new XMLBuilder({ cdataPropName: '__cdata', format: false });

export function signature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return getSignature(token, timestamp, nonce, encrypted);
}

function sameSignature(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function isValidEncodingAesKey(key: string): boolean {
  return /^[A-Za-z0-9]{43}$/.test(key);
}

/** @wecom/crypto returns junk instead of failing when the key is wrong (it ignores bad padding), which would
 * surface as a confusing receive-id mismatch; check the padding and msg_len framing first. */
function hasValidFraming(encodingAesKey: string, encrypted: string): boolean {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) return false;
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(encrypted, 'base64'), decipher.final()]);
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > 32 || pad > plain.length) return false;
  for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) return false;
  const body = plain.length - pad;
  return body >= 20 && plain.readUInt32BE(16) <= body - 20;
}

function decryptChecked(creds: CallbackCredentials, encrypted: string): string {
  let out: { message: string; id: string };
  try {
    if (!hasValidFraming(creds.encodingAesKey, encrypted)) {
      throw new Error('bad padding or length: wrong EncodingAESKey, or not WeCom ciphertext');
    }
    out = decrypt(creds.encodingAesKey, encrypted);
  } catch (err) {
    throw new CallbackError('malformed', `cannot decrypt: ${(err as Error).message}`);
  }
  if (out.id !== creds.receiveId) {
    throw new CallbackError('receive_id', `receive id ${JSON.stringify(out.id)} is not ${creds.receiveId}`);
  }
  return out.message;
}

/** GET URL verification: returns the plaintext echostr to answer with. */
export function verifyUrl(
  creds: CallbackCredentials,
  q: { msg_signature?: string; timestamp?: string; nonce?: string; echostr?: string },
): string {
  if (!q.msg_signature || !q.timestamp || !q.nonce || !q.echostr) {
    throw new CallbackError('malformed', 'msg_signature, timestamp, nonce and echostr are required');
  }
  const expected = signature(creds.token, q.timestamp, q.nonce, q.echostr);
  if (!sameSignature(expected, q.msg_signature)) throw new CallbackError('signature', 'msg_signature does not match');
  return decryptChecked(creds, q.echostr);
}

/** Pulls <Encrypt> out of the POST envelope. */
export function readEnvelope(body: string): { toUserName?: string; agentId?: string; encrypt: string } {
  let doc: { xml?: { Encrypt?: unknown; ToUserName?: string; AgentID?: string } } | undefined;
  try {
    doc = xmlParser.parse(body) as typeof doc;
  } catch (err) {
    throw new CallbackError('malformed', `body is not XML: ${(err as Error).message}`);
  }
  const xml = doc?.xml;
  if (!xml || typeof xml.Encrypt !== 'string' || xml.Encrypt.length === 0) {
    throw new CallbackError('malformed', 'body must be <xml> with a non-empty <Encrypt>');
  }
  return { toUserName: xml.ToUserName, agentId: xml.AgentID, encrypt: xml.Encrypt };
}

/** POST event: checks the signature over <Encrypt>, decrypts and checks the receive id. Returns the plaintext XML. */
export function openEvent(
  creds: CallbackCredentials,
  q: { msg_signature?: string; timestamp?: string; nonce?: string },
  body: string,
): string {
  if (!q.msg_signature || !q.timestamp || !q.nonce) {
    throw new CallbackError('malformed', 'msg_signature, timestamp and nonce are required');
  }
  const env = readEnvelope(body);
  const expected = signature(creds.token, q.timestamp, q.nonce, env.encrypt);
  if (!sameSignature(expected, q.msg_signature)) throw new CallbackError('signature', 'msg_signature does not match');
  return decryptChecked(creds, env.encrypt);
}

/** Builds the POST body and query WeCom sends (used by the simulator and tests). */
export function sealEvent(
  creds: CallbackCredentials,
  plaintextXml: string,
  opts: { timestamp?: string; nonce?: string; agentId?: string | number } = {},
): { query: { msg_signature: string; timestamp: string; nonce: string }; body: string } {
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? Math.random().toString(36).slice(2, 12);
  const enc = encrypt(creds.encodingAesKey, plaintextXml, creds.receiveId);
  const msg_signature = signature(creds.token, timestamp, nonce, enc);
  const body =
    `<xml><ToUserName><![CDATA[${creds.receiveId}]]></ToUserName>` +
    `<AgentID><![CDATA[${opts.agentId ?? ''}]]></AgentID>` +
    `<Encrypt><![CDATA[${enc}]]></Encrypt></xml>`;
  return { query: { msg_signature, timestamp, nonce }, body };
}

/** Builds a GET verification query (used by the simulator and tests). */
export function sealEcho(
  creds: CallbackCredentials,
  plaintext: string,
  opts: { timestamp?: string; nonce?: string } = {},
): { msg_signature: string; timestamp: string; nonce: string; echostr: string } {
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? Math.random().toString(36).slice(2, 12);
  const echostr = encrypt(creds.encodingAesKey, plaintext, creds.receiveId);
  return { msg_signature: signature(creds.token, timestamp, nonce, echostr), timestamp, nonce, echostr };
}

/** A decrypted callback as a flat record of strings; `MemChangeList.Item` becomes a string array. */
export type CallbackEvent = Record<string, string | string[] | undefined> & {
  ToUserName?: string;
  FromUserName?: string;
  CreateTime?: string;
  MsgType?: string;
  Event?: string;
  ChangeType?: string;
};

export function parseEventXml(xml: string): CallbackEvent {
  let doc: { xml?: unknown } | undefined;
  try {
    doc = xmlParser.parse(xml) as typeof doc;
  } catch (err) {
    throw new CallbackError('malformed', `event is not XML: ${(err as Error).message}`);
  }
  const root = doc?.xml;
  if (!root || typeof root !== 'object') throw new CallbackError('malformed', 'event must be an <xml> document');
  const out: CallbackEvent = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (v == null) continue;
    if (k === 'MemChangeList') {
      const items = (v as { Item?: unknown }).Item;
      out[k] = Array.isArray(items) ? items.map(String) : typeof v === 'string' ? v.split(',').filter(Boolean) : [];
    } else if (typeof v === 'object') {
      out[k] = JSON.stringify(v);
    } else {
      out[k] = String(v);
    }
  }
  return out;
}

/** Serializes a flat event record as WeCom's plaintext XML (CDATA for strings, bare numbers for CreateTime etc.). */
export function buildEventXml(fields: Record<string, string | number | string[] | undefined>): string {
  const obj: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) obj[k] = { Item: v.map((s) => ({ __cdata: s })) };
    else if (typeof v === 'number') obj[k] = v;
    else obj[k] = { __cdata: v };
  }
  return xmlBuilder.build({ xml: obj });
}

/** Stable de-duplication key: WeCom's FromUserName+CreateTime collides for contact events. */
export function eventKey(plaintextXml: string): string {
  return createHash('sha256').update(plaintextXml).digest('hex');
}

export { getJsApiSignature };
