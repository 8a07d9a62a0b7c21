// Chinese segmentation for the archive's search (and for modules that match message text: FAQ, moderation): jieba's
// search-mode words plus Latin words and numbers, lower-cased, punctuation dropped. Stored text keeps every word
// (fine and compound: 物流 信息 物流信息); a query keeps only the finest words, so "物流信息" finds "物流的信息".
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
type JiebaT = { cutForSearch(text: string, hmm?: boolean): string[] };
let jieba: JiebaT | null = null;
function segmenter(): JiebaT {
  if (!jieba) {
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): JiebaT } };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

/** Every searchable word of `text`, once each. */
export function segmentWords(text: string): string[] {
  const out = new Set<string>();
  if (!text) return [];
  for (const w of segmenter().cutForSearch(text, true)) {
    const t = w.trim().toLowerCase();
    if (t && /[\p{L}\p{N}]/u.test(t)) out.add(t);
  }
  return [...out];
}

/** The words a query must all match: the finest ones (a compound whose parts are also words is dropped). */
export function queryWords(q: string): string[] {
  const all = segmentWords(q);
  return all.filter((w) => !all.some((o) => o !== w && o.length < w.length && w.includes(o)));
}

/** `search_text` of a message: its words, space-separated (the 'simple' tsvector of it is indexed). */
export const searchTextOf = (text: string) => segmentWords(text).join(' ').slice(0, 50_000);
