// Keyword answers and the FAQ library (关键词回复 / 常见问题): questions with synonyms and an answer (text with
// placeholders and attachments from the media library), per group tier or for all groups. Customers' group and 1:1
// messages from the chat archive (and WeCom's keyword-rule hits) are matched with jieba; a hit becomes a one-tap
// suggested reply (a staff task shown in that chat's sidebar) with a response-time clock; unanswered questions
// escalate and unmatched ones are collected (未命中问题) to grow the library.
import { z } from 'zod';
import { ChatId, DateTime, Day, ExternalUserid, Int4, ItemsOf, List, PageOf, RequiredText, RowIdParam, Text } from './common';
import { Content, ContentInput } from './content';

export const FAQ_SYNONYMS_MAX = 50;
export const FAQ_TIERS_MAX = 20;

export const FaqBody = z.object({
  question: RequiredText(100),
  /** Other phrasings of the same question ("快递到哪了", "发货了吗" for "物流信息"). */
  synonyms: List(RequiredText(100), FAQ_SYNONYMS_MAX).default([]),
  answer: ContentInput,
  /** Group tiers it answers in; none = every group and 1:1 chats. */
  tiers: List(RequiredText(30), FAQ_TIERS_MAX).default([]),
  enabled: z.boolean().default(true),
});
export type FaqInput = z.input<typeof FaqBody>;
export const FaqPatchBody = z.object({
  question: RequiredText(100).optional(),
  synonyms: List(RequiredText(100), FAQ_SYNONYMS_MAX).optional(),
  answer: ContentInput.optional(),
  tiers: List(RequiredText(30), FAQ_TIERS_MAX).optional(),
  enabled: z.boolean().optional(),
});
export type FaqPatch = z.input<typeof FaqPatchBody>;

export const Faq = z.object({
  id: z.number(),
  question: z.string(),
  synonyms: z.array(z.string()),
  answer: Content,
  tiers: z.array(z.string()),
  enabled: z.boolean(),
  hits: z.number().int(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Faq = z.input<typeof Faq>;
export type FaqOutput = z.output<typeof Faq>;
export const FaqList = ItemsOf(Faq);
export const FaqIdParams = z.object({ id: RowIdParam });

/** How well a message matches an FAQ, 0–1 (the share of a phrasing's words found in the message). */
export const FaqMatch = z.object({ faqId: z.number(), question: z.string(), phrasing: z.string(), score: z.number() });
export const FaqTestBody = z.object({ text: RequiredText(2000), tier: Text(30).nullish() });
export const FaqTestResult = z.object({ words: z.array(z.string()), matches: z.array(FaqMatch), threshold: z.number() });

export const FaqSettingsBody = z.object({
  /** The least score a message needs to be answered (0.3–1). */
  threshold: z.number().min(0.3, 'must be at least 0.3').max(1, 'must be at most 1').optional(),
  /** Minutes a suggested reply may wait before the store manager hears of it. */
  escalateAfterMinutes: Int4(1, 1440).optional(),
  /** Answer customers' 1:1 messages too (not only groups). */
  directChats: z.boolean().optional(),
});
export type FaqSettingsInput = z.input<typeof FaqSettingsBody>;
export const FaqSettings = z.object({ threshold: z.number(), escalateAfterMinutes: z.number().int(), directChats: z.boolean() });
export type FaqSettings = z.input<typeof FaqSettings>;

/** Where a question came from: the chat archive, or a WeCom keyword-rule hit (hit_keyword). */
export const QUESTION_SOURCES = ['archive', 'hit_keyword'] as const;
export type QuestionSource = (typeof QUESTION_SOURCES)[number];
/** matched (a suggestion waits) → answered; unmatched (collected); dismissed (an operator set it aside); added (an FAQ was made from it). */
export const QUESTION_STATUSES = ['matched', 'answered', 'unmatched', 'dismissed', 'added'] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];
/** How it was answered: the suggested reply sent (sidebar/task page/console), or a staff message seen in that chat. */
export const ANSWER_VIAS = ['task', 'chat'] as const;

export const FaqQuestion = z.object({
  id: z.number(),
  source: z.enum(QUESTION_SOURCES),
  status: z.enum(QUESTION_STATUSES),
  text: z.string(),
  chatId: z.string().nullable(),
  chatName: z.string().nullable(),
  externalUserid: z.string().nullable(),
  customerName: z.string().nullable(),
  faqId: z.number().nullable(),
  faqQuestion: z.string().nullable(),
  score: z.number().nullable(),
  ownerUserid: z.string().nullable(),
  taskId: z.number().nullable(),
  askedAt: DateTime,
  suggestedAt: DateTime.nullable(),
  answeredAt: DateTime.nullable(),
  answeredVia: z.string().nullable(),
  escalatedAt: DateTime.nullable(),
  /** Seconds from the question to the answer. */
  answerSeconds: z.number().nullable(),
});
export type FaqQuestion = z.input<typeof FaqQuestion>;
export type FaqQuestionOutput = z.output<typeof FaqQuestion>;
export const FaqQuestionPage = PageOf(FaqQuestion);
export const FaqQuestionQuery = z.object({
  status: z.enum(QUESTION_STATUSES).optional(),
  faqId: RowIdParam.optional(),
  chatId: ChatId.optional(),
  externalUserid: ExternalUserid.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type FaqQuestionQuery = z.input<typeof FaqQuestionQuery>;

/** An unmatched question becomes an FAQ: the question prefilled, the answer given here. */
export const FaqFromQuestionBody = z.object({
  question: RequiredText(100).optional(),
  synonyms: List(RequiredText(100), FAQ_SYNONYMS_MAX).optional(),
  answer: ContentInput,
  tiers: List(RequiredText(30), FAQ_TIERS_MAX).optional(),
});
export type FaqFromQuestionInput = z.input<typeof FaqFromQuestionBody>;

export const FaqStatsQuery = z.object({ from: Day.optional(), to: Day.optional() });
export type FaqStatsQuery = z.input<typeof FaqStatsQuery>;
export const FaqStats = z.object({
  from: z.string(),
  to: z.string(),
  questions: z.number().int(),
  hits: z.number().int(),
  unmatched: z.number().int(),
  answered: z.number().int(),
  escalated: z.number().int(),
  /** Seconds from question to answer (answered questions), null when none. */
  medianSeconds: z.number().nullable(),
  p90Seconds: z.number().nullable(),
  /** Seconds from question to suggestion. */
  suggestP90Seconds: z.number().nullable(),
  top: z.array(z.object({ faqId: z.number(), question: z.string(), hits: z.number().int() })),
});
export type FaqStats = z.input<typeof FaqStats>;
