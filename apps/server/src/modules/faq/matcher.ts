// Matching a customer's message to the FAQ library. The default answerer segments with jieba (search mode) and scores
// each phrasing of an FAQ (its question and synonyms) by the share of its content words found in the message — a word
// counts when it occurs anywhere in the normalised message, so "哪" in "快递到哪了" is found in "快递到哪里了" — with
// two-character words weighing twice a single character. `Answerer` is the seam where a model-based answerer plugs in.
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

/** Words that carry no question on their own (particles, pronouns, politeness). */
const STOP = new Set(['了', '吗', '呢', '啊', '吧', '呀', '的', '地', '得', '我', '你', '您', '他', '她', '我们', '请问', '请', '问', '一下', '是', '在', '有', '么', '嘛', '哦', '和', '也', '就', '都', '还', '想', '能', '可以', '要', '这', '那', '个', '一个', '什么', '怎么', '如何', '为什么', '哪', '时候']);
/** Kept even though STOP lists them when they are the whole point of a phrasing ("到哪了"): only dropped when other words remain. */

/** NFKC (full-width → half-width), lower case, no whitespace or punctuation. */
export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** The content words of a text: jieba's search-mode words, normalised, particles dropped (unless nothing else is left). */
export function contentWords(text: string): string[] {
  const all = [...new Set(segmenter().cutForSearch(text.normalize('NFKC').toLowerCase(), true).map(normalize).filter((w) => w && /[\p{L}\p{N}]/u.test(w)))];
  const kept = all.filter((w) => !STOP.has(w));
  // Search mode also yields the parts of a long word (二维 in 二维码): a word contained in a longer kept word adds nothing.
  const words = kept.length ? kept : all;
  return words.filter((w) => !words.some((o) => o !== w && o.length > w.length && o.includes(w)));
}

export interface FaqCandidate {
  id: number;
  question: string;
  synonyms: string[];
  /** Empty: every tier (and 1:1 chats). */
  tiers: string[];
}

export interface FaqHit { faqId: number; question: string; phrasing: string; score: number }

/** Answers a customer's message with FAQ hits, best first. A model-based answerer implements the same. */
export interface Answerer {
  match(text: string, opts: { tier: string | null; threshold: number; limit?: number }): FaqHit[];
}

interface Phrasing { faqId: number; question: string; text: string; words: string[]; weight: number; whole: string }

const weightOf = (w: string) => (w.length >= 2 ? 2 : 1);

/** The jieba answerer over one corp's enabled FAQs (built once per library version; matching is in memory). */
export class JiebaAnswerer implements Answerer {
  private readonly phrasings: Phrasing[] = [];
  private readonly tiers = new Map<number, string[]>();

  constructor(faqs: FaqCandidate[]) {
    for (const f of faqs) {
      this.tiers.set(f.id, f.tiers);
      for (const text of [f.question, ...f.synonyms]) {
        const words = contentWords(text);
        if (!words.length) continue;
        this.phrasings.push({ faqId: f.id, question: f.question, text, words, weight: words.reduce((n, w) => n + weightOf(w), 0), whole: normalize(text) });
      }
    }
  }

  get size(): number { return this.phrasings.length; }

  match(text: string, opts: { tier: string | null; threshold: number; limit?: number }): FaqHit[] {
    const msg = normalize(text);
    if (!msg) return [];
    const best = new Map<number, FaqHit>();
    for (const p of this.phrasings) {
      const tiers = this.tiers.get(p.faqId)!;
      if (tiers.length && (!opts.tier || !tiers.includes(opts.tier))) continue;
      let score: number;
      if (p.whole && msg.includes(p.whole)) score = 1;
      else {
        let got = 0;
        for (const w of p.words) if (msg.includes(w)) got += weightOf(w);
        score = got / p.weight;
      }
      // A long message that happens to contain a short phrasing's words is less likely about it.
      if (score < 1 && msg.length > 40) score *= 0.8;
      score = Math.round(score * 1000) / 1000;
      if (score < opts.threshold) continue;
      const prev = best.get(p.faqId);
      if (!prev || score > prev.score || (score === prev.score && p.text.length > prev.phrasing.length)) best.set(p.faqId, { faqId: p.faqId, question: p.question, phrasing: p.text, score });
    }
    return [...best.values()].sort((a, b) => b.score - a.score || b.phrasing.length - a.phrasing.length).slice(0, opts.limit ?? 3);
  }
}
