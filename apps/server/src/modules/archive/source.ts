// The local interface to the Finance SDK (ADR 0028): Pond's sidecar — or the simulator's /sim/msgaudit in demo —
// answers POST <url>/pull {corpid, secret, seq, limit, timeout} with GetChatData's items and POST <url>/decrypt
// {items: [{random_key, encrypt_chat_msg}]} with DecryptData's plaintexts, both as {errcode, errmsg, …}. The RSA step
// between them is Pond's (crypto.ts): the private keys never leave Pond's sealed settings.

/** One GetChatData item, as the SDK gives it. */
export interface ChatDataItem {
  seq: number;
  msgid: string;
  publickey_ver: number;
  encrypt_random_key: string;
  encrypt_chat_msg: string;
}

/** One GetMediaData call: a piece of the file, where the next call goes on, and whether this was the last piece. */
export interface MediaChunk { data: Buffer; outindexbuf: string; isFinish: boolean }

export interface ArchiveSource {
  pull(seq: number, limit: number): Promise<ChatDataItem[]>;
  decrypt(items: { random_key: string; encrypt_chat_msg: string }[]): Promise<string[]>;
  /** GetMediaData: POST <url>/media {corpid, secret, sdkfileid, indexbuf, timeout} → {data (base64), outindexbuf, is_finish}. */
  media(sdkfileid: string, indexbuf: string): Promise<MediaChunk>;
}

export class ArchiveSourceError extends Error {
  constructor(message: string, readonly errcode?: number) {
    super(message);
  }
}

export interface SidecarConfig {
  url: string;
  corpId: string;
  secret: string;
  token: string | null;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function sidecarSource(c: SidecarConfig): ArchiveSource {
  const send = c.fetch ?? fetch;
  const base = c.url.replace(/\/+$/, '');
  const post = async <T>(path: string, body: object): Promise<T> => {
    let res: Response;
    try {
      res = await send(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(c.token ? { authorization: `Bearer ${c.token}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(c.timeoutMs ?? 60_000),
      });
    } catch (err) {
      throw new ArchiveSourceError(`the archive sidecar at ${base} did not answer ${path}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let json: { errcode?: number; errmsg?: string } & T;
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw new ArchiveSourceError(`the archive sidecar's ${path} answered HTTP ${res.status}, not JSON`);
    }
    if (json.errcode) throw new ArchiveSourceError(`the archive sidecar's ${path} failed: ${json.errcode} ${json.errmsg ?? ''}`.trim(), json.errcode);
    return json;
  };
  return {
    async pull(seq, limit) {
      const r = await post<{ chatdata?: ChatDataItem[] }>('/pull', { corpid: c.corpId, secret: c.secret, seq, limit, timeout: 30 });
      if (!Array.isArray(r.chatdata)) throw new ArchiveSourceError('the archive sidecar\'s /pull answered without chatdata');
      return r.chatdata;
    },
    async media(sdkfileid, indexbuf) {
      const r = await post<{ data?: string; outindexbuf?: string; is_finish?: boolean }>('/media', { corpid: c.corpId, secret: c.secret, sdkfileid, indexbuf, timeout: 30 });
      if (typeof r.data !== 'string' || typeof r.is_finish !== 'boolean') throw new ArchiveSourceError('the archive sidecar\'s /media answered without data and is_finish');
      if (!r.is_finish && !r.outindexbuf) throw new ArchiveSourceError('the archive sidecar\'s /media answered an unfinished piece without outindexbuf');
      return { data: Buffer.from(r.data, 'base64'), outindexbuf: r.outindexbuf ?? '', isFinish: r.is_finish };
    },
    async decrypt(items) {
      if (items.length === 0) return [];
      const r = await post<{ items?: ({ plaintext: string } | { errcode: number; errmsg?: string })[] }>('/decrypt', { items });
      if (!Array.isArray(r.items) || r.items.length !== items.length) throw new ArchiveSourceError('the archive sidecar\'s /decrypt answered a different number of items');
      return r.items.map((x, i) => {
        if ('plaintext' in x && typeof x.plaintext === 'string') return x.plaintext;
        const e = x as { errcode?: number; errmsg?: string };
        throw new ArchiveSourceError(`DecryptData failed for item ${i}: ${e.errcode ?? '?'} ${e.errmsg ?? ''}`.trim(), e.errcode);
      });
    },
  };
}
