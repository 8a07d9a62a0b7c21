// Identifiers shaped like WeCom's, plus a seeded PRNG for the deterministic demo and a
// self-contained avatar (a data: SVG) so no image host is needed.
import { createHash, randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM_US = ALNUM + '-_';

function fromBytes(bytes: Uint8Array, alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[bytes[i % bytes.length] % alphabet.length];
  return out;
}

export function randomId(n: number, alphabet = ALNUM): string {
  return fromBytes(randomBytes(n), alphabet, n);
}

export function hashId(input: string, n: number, alphabet = ALNUM): string {
  const a = createHash('sha256').update(input).digest();
  const b = createHash('sha256').update(a).digest();
  return fromBytes(Buffer.concat([a, b]), alphabet, n);
}

/** Stable per (corp, WeChat user), like WeCom: the same person gets the same id in one corp. */
export function externalUseridFor(corpId: string, wechatUserId: string): string {
  return 'wm' + hashId(`ext|${corpId}|${wechatUserId}`, 30, ALNUM_US);
}

export const newIds = {
  accessToken: () => randomId(96, ALNUM_US),
  chatId: () => 'wr' + randomId(30, ALNUM_US),
  configId: () => randomId(32, '0123456789abcdef'),
  welcomeCode: () => randomId(43, ALNUM_US),
  tagId: () => 'et' + randomId(30, ALNUM_US),
  msgid: () => 'msg' + randomId(24, ALNUM_US),
  templateId: () => 'msg' + randomId(26, ALNUM_US),
  jobid: () => 'job' + randomId(40, ALNUM_US),
  momentId: () => 'mom' + randomId(28, ALNUM_US),
  mediaId: () => '3' + randomId(60, ALNUM_US),
  memberVersion: () => randomId(32, '0123456789abcdef'),
  orderId: () => 'E' + Date.now().toString(36).toUpperCase() + randomId(10, '0123456789'),
  ticket: () => randomId(88, ALNUM_US),
  wechatUserId: () => 'wxid_' + randomId(14, 'abcdefghijklmnopqrstuvwxyz0123456789'),
  unionid: () => 'o' + randomId(27, ALNUM_US),
  openid: () => 'o' + randomId(27, ALNUM_US),
};

/** mulberry32: small, fast and good enough to make the demo reproducible. */
export function seededRandom(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AVATAR_COLORS = ['#f56a00', '#7265e6', '#ffbf00', '#00a2ae', '#1677ff', '#52c41a', '#eb2f96', '#fa8c16', '#13c2c2', '#722ed1'];

/** A round coloured avatar with the name's first character, as a data: URL (~350 bytes). */
export function avatarDataUrl(name: string): string {
  const ch = Array.from(name.trim() || '?')[0] ?? '?';
  const color = AVATAR_COLORS[createHash('md5').update(name).digest()[0] % AVATAR_COLORS.length];
  const esc = ch.replace(/[<>&"']/g, '?');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">` +
    `<rect width="96" height="96" rx="16" fill="${color}"/>` +
    `<text x="48" y="62" font-size="44" text-anchor="middle" fill="#fff" font-family="sans-serif">${esc}</text></svg>`;
  return 'data:image/svg+xml;base64,' + Buffer.from(svg).toString('base64');
}
