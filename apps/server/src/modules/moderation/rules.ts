// The per-message moderation rules as pure functions over one archived message and the tier's config. The rules
// that need history (repeated text, many groups, a new member) are decided by the listener from counts it reads.
// Variants: text is NFKC-normalised (full-width letters and digits become ASCII), lower-cased, and spaces,
// punctuation and symbols are dropped before words and phone numbers are looked for ("加 微 信", "ｗｘ", "1３8-0013-8000");
// with `pinyinInitials` a word also matches as its pinyin initials written as a separate Latin word ("jwx" for 加微信).
import { createHash } from 'node:crypto';
import type { ModerationConfig, ModerationRule } from '@pond/contracts/moderation';

export interface RuleHit { rule: ModerationRule; detail: string }

/** What the per-message rules read of a message. */
export interface ModeratedMessage { type: string; text: string; payload: Record<string, unknown> }

export function squash(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}\u200b-\u200d\ufeff]+/gu, '');
}

const URL_RE = /\b((?:https?:\/\/|www\.)[^\s<>"'，。]+|[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|top|xyz|cc|io|vip|shop|me|info|club|site|online|link|ltd|store|tv|co)(?:\/[^\s<>"'，。]*)?)/gi;

function hostOf(u: string): string {
  const s = u.replace(/^https?:\/\//i, '');
  return s.split(/[/?#:]/)[0].toLowerCase();
}

/** Links in the text (and a link message's url), minus those on allowed domains. */
export function findLinks(m: ModeratedMessage, allowed: string[]): string[] {
  const text = m.text.normalize('NFKC');
  const found = [...text.matchAll(URL_RE)].map((x) => x[1]);
  if (m.type === 'link') found.push(typeof m.payload.link_url === 'string' ? m.payload.link_url : typeof m.payload.url === 'string' ? m.payload.url : 'link');
  const ok = allowed.map((d) => d.toLowerCase().replace(/^\.+/, ''));
  return found.filter((u) => {
    const h = hostOf(u);
    return !ok.some((d) => h === d || h.endsWith(`.${d}`));
  });
}

/** Mainland mobile numbers, after spaces and separators are dropped and full-width digits folded. */
export function findPhones(text: string): string[] {
  const digits = text.normalize('NFKC').replace(/[\s\-–—.·()（）]+/g, '');
  return [...digits.matchAll(/(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)/g)].map((x) => x[1]);
}

const BOUNDS = '阿八嚓哒妸发旮哈讥咔垃妈拏噢妑七呥仨他屲夕丫帀';
const LETTERS = 'abcdefghjklmnopqrstwxyz';
let collator: Intl.Collator | null = null;

/** A Han character's pinyin initial (the pinyin collation's boundaries), other characters as they are. */
export function pinyinInitial(ch: string): string {
  if (!/\p{Script=Han}/u.test(ch)) return ch.toLowerCase();
  collator ??= new Intl.Collator('zh-Hans-CN-u-co-pinyin');
  let r = -1;
  for (let i = 0; i < BOUNDS.length; i++) {
    if (collator.compare(ch, BOUNDS[i]) >= 0) r = i;
    else break;
  }
  return r < 0 ? ch : LETTERS[r];
}

/** A compiled word list: squashed words, and their initials when asked for. */
export interface WordList { words: { word: string; squashed: string; initials: string | null }[] }
export function compileWords(words: string[], initials: boolean): WordList {
  return {
    words: words.map((w) => {
      const squashed = squash(w);
      const ini = initials && /\p{Script=Han}/u.test(w) ? [...squashed].map(pinyinInitial).join('') : null;
      return { word: w, squashed, initials: ini && ini.length >= 2 && /^[a-z0-9]+$/.test(ini) ? ini : null };
    }).filter((w) => w.squashed),
  };
}

export function findWords(text: string, list: WordList): string[] {
  if (!list.words.length) return [];
  const s = squash(text);
  const latin = new Set(text.normalize('NFKC').toLowerCase().match(/[a-z0-9]+/g) ?? []);
  return list.words.filter((w) => s.includes(w.squashed) || (w.initials !== null && latin.has(w.initials))).map((w) => w.word);
}

/**
 * Whether an image message carries a QR code: the text the archive found decoding the downloaded image (archive
 * media, `qr_text`). An image is checked when its file has been downloaded, not when its line arrives.
 */
export function hasQr(m: ModeratedMessage): boolean {
  if (m.type !== 'image' && m.type !== 'mixed') return false;
  return typeof m.payload.qr_text === 'string' && m.payload.qr_text.length > 0;
}

/** The rules one message breaks by itself. */
export function checkMessage(m: ModeratedMessage, c: ModerationConfig, words: WordList): RuleHit[] {
  const hits: RuleHit[] = [];
  if (c.link) {
    const links = findLinks(m, c.allowedDomains);
    if (links.length) hits.push({ rule: 'link', detail: links.slice(0, 3).join(' ') });
  }
  if (c.qr && hasQr(m)) hits.push({ rule: 'qr', detail: typeof m.payload.qr_text === 'string' ? m.payload.qr_text.slice(0, 200) : '二维码图片 QR image' });
  if (c.weapp && m.type === 'weapp') hits.push({ rule: 'weapp', detail: String(m.payload.title ?? m.payload.appid ?? m.text).slice(0, 200) });
  if (c.card && m.type === 'card') hits.push({ rule: 'card', detail: String(m.payload.corpname ?? m.text).slice(0, 200) });
  if (c.phone) {
    const phones = findPhones(m.text);
    if (phones.length) hits.push({ rule: 'phone', detail: phones.map((p) => `${p.slice(0, 3)}****${p.slice(7)}`).join(' ') });
  }
  const w = findWords(m.text, words);
  if (w.length) hits.push({ rule: 'word', detail: w.slice(0, 5).join('、') });
  return hits;
}

/** The identity of a text for the repeat rule (squashed, so "加我 加我" and "加我加我" are one). */
export function textHash(m: ModeratedMessage): string | null {
  const s = squash(m.text);
  if (!s) return null;
  return createHash('sha256').update(`${m.type}:${s}`).digest('hex').slice(0, 24);
}
