// Keyword answers and the FAQ library (issue 16). Customers' group and 1:1 messages reach `listener()` from the chat
// archive's ingest (exactly once, inside its transaction): each is matched (Answerer) and stored as a question —
// matched ones queue a `pond_faq/suggest` inbox event in the same transaction, unmatched ones that read as questions
// are collected. The event's handler asks the contact budget (a reply the customer asked for: caps and quiet hours
// lifted, do-not-disturb kept), makes the suggested-reply task for the group's owner (shown in that chat's sidebar:
// one tap sends it) and tells them by app message at once. The clock: asked_at → suggested_at → answered_at (the task
// done, or any staff message in that chat after the question, seen in the archive). Unanswered questions escalate to
// the owner's store managers after the corp's minutes; WeCom's keyword-rule hits (hit_keyword) take the same path.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Content } from '@pond/contracts/content';
import type {
  FaqFromQuestionInput, FaqInput, FaqOutput, FaqPatch, FaqQuestionOutput, FaqQuestionQuery, FaqSettingsInput, FaqStatsQuery, QuestionSource,
} from '@pond/contracts/faq';
import type { Scope } from '../../platform/auth';
import { withTransaction } from '../../platform/db';
import type { Row } from '../../platform/db/rows';
import { AppError } from '../../platform/errors';
import { enqueue, notifyInbox, Priority, type EventContext, type InboxHandlers, type KeywordHit } from '../../platform/inbox';
import type { Logger } from '../../platform/log';
import { defineClock, EVERY_MINUTE } from '../../platform/queue';
import { addDays, corpZone, dayIn, zonedTime } from '../../platform/time';
import type { ArchiveListener, StoredMessage } from '../archive';
import { appendTimeline, type TimelineEvent } from '../customers';
import type { GovernanceService } from '../governance';
import type { TaskService } from '../tasks';
import { validateContentAt } from '../welcome';
import { JiebaAnswerer, contentWords, type Answerer } from './matcher';
import * as repo from './repo';

type Db = Pick<pg.PoolClient, 'query'>;

export const FAQ_DEFAULTS = { threshold: 0.6, escalateAfterMinutes: 10, directChats: true };

/** A message reads as a question (collected when unmatched): a question mark or a question word. */
const QUESTION = /[?？]|吗|呢|怎么|什么|哪|几|多少|如何|能不能|可不可以|有没有|是不是|为什么|为啥|咋|是否/;

const faqOut = (r: Row<'faq_entries'>): FaqOutput => ({
  id: r.id, question: r.question, synonyms: r.synonyms, answer: r.answer, tiers: r.tiers, enabled: r.enabled, hits: r.hits,
  createdAt: r.created_at, updatedAt: r.updated_at,
});

const questionOut = (r: repo.QuestionRow): FaqQuestionOutput => ({
  id: r.id, source: r.source, status: r.status, text: r.text, chatId: r.chat_id, chatName: r.chat_name, externalUserid: r.external_userid,
  customerName: r.customer_name, faqId: r.faq_id, faqQuestion: r.faq_question, score: r.score, ownerUserid: r.owner_userid, taskId: r.task_id,
  askedAt: r.asked_at, suggestedAt: r.suggested_at, answeredAt: r.answered_at, answeredVia: r.answered_via, escalatedAt: r.escalated_at,
  answerSeconds: r.answered_at ? Math.max(0, Math.round((r.answered_at.getTime() - r.asked_at.getTime()) / 1000)) : null,
});

/** Builds an Answerer from the corp's enabled FAQs (the default: jieba). A model-based answerer is another factory. */
export type AnswererFactory = (faqs: Row<'faq_entries'>[]) => Answerer;
const jiebaFactory: AnswererFactory = (faqs) => new JiebaAnswerer(faqs.filter((f) => f.enabled).map((f) => ({ id: f.id, question: f.question, synonyms: f.synonyms, tiers: f.tiers })));

/** A message the FAQ path reads: an archived message, or a keyword hit shaped like one. */
type Incoming = Pick<StoredMessage, 'msgid' | 'action' | 'type' | 'sender' | 'senderKind' | 'chatId' | 'peer' | 'sentAt' | 'text'>;

export class FaqService {
  private readonly answerers = new Map<string, { version: string; answerer: Answerer; faqs: Map<number, Row<'faq_entries'>> }>();

  /** Every minute: escalate questions left unanswered, remake suggestions whose event was lost. */
  readonly tickJob = defineClock('faq.tick', EVERY_MINUTE, () => this.tick(new Date()));

  constructor(
    private readonly pool: pg.Pool,
    private readonly tasks: TaskService,
    private readonly governance: GovernanceService,
    private readonly log: Logger,
    private readonly factory: AnswererFactory = jiebaFactory,
  ) {
    tasks.onEnd('faq', async (task, status) => {
      if (status !== 'done' || !task.source_id) return;
      await withTransaction(this.pool, async (db) => {
        const q = await repo.answerByTask(db, task.corp_id, task.source_id!, task.done_at ?? new Date());
        if (q) await this.answeredTimeline(db, task.corp_id, [{ ...q, answered_at: task.done_at ?? new Date() }], 'task');
      });
    });
  }

  // ---- the library ----
  async list(corpId: string): Promise<FaqOutput[]> {
    return (await repo.listFaqs(this.pool, corpId)).map(faqOut);
  }

  async get(corpId: string, id: number): Promise<FaqOutput> {
    const r = await repo.getFaq(this.pool, corpId, id);
    if (!r) throw AppError.notFound(`FAQ ${id}`);
    return faqOut(r);
  }

  private fields(input: { question: string; synonyms: string[]; answer: FaqInput['answer']; tiers: string[]; enabled: boolean }): repo.FaqFields {
    const answer: Content = validateContentAt(input.answer, 'answer');
    if (!answer.text.trim() && !answer.attachments.length) throw AppError.validation('answer', 'give a text or at least one attachment');
    if (!contentWords(input.question).length) throw AppError.validation('question', 'must contain at least one word to match');
    const synonyms = [...new Set(input.synonyms.map((s) => s.trim()).filter(Boolean))];
    return { question: input.question.trim(), synonyms, answer, tiers: [...new Set(input.tiers)], enabled: input.enabled };
  }

  async create(corpId: string, input: FaqInput): Promise<FaqOutput> {
    const id = await repo.insertFaq(this.pool, corpId, this.fields({
      question: input.question, synonyms: input.synonyms ?? [], answer: input.answer, tiers: input.tiers ?? [], enabled: input.enabled ?? true,
    }));
    return this.get(corpId, id);
  }

  async update(corpId: string, id: number, patch: FaqPatch): Promise<FaqOutput> {
    const cur = await this.get(corpId, id);
    const answer = patch.answer ?? { text: cur.answer.text, attachments: cur.answer.attachments };
    await repo.updateFaq(this.pool, corpId, id, this.fields({
      question: patch.question ?? cur.question, synonyms: patch.synonyms ?? cur.synonyms, answer, tiers: patch.tiers ?? cur.tiers, enabled: patch.enabled ?? cur.enabled,
    }));
    return this.get(corpId, id);
  }

  async remove(corpId: string, id: number): Promise<void> {
    if (!await repo.deleteFaq(this.pool, corpId, id)) throw AppError.notFound(`FAQ ${id}`);
  }

  async settings(corpId: string, db: Db = this.pool): Promise<typeof FAQ_DEFAULTS> {
    const r = await repo.getSettings(db, corpId);
    return r ? { threshold: r.threshold, escalateAfterMinutes: r.escalate_after_minutes, directChats: r.direct_chats } : { ...FAQ_DEFAULTS };
  }

  async updateSettings(corpId: string, input: FaqSettingsInput): Promise<typeof FAQ_DEFAULTS> {
    const cur = await this.settings(corpId);
    await repo.upsertSettings(this.pool, corpId, {
      threshold: input.threshold ?? cur.threshold, escalateAfterMinutes: input.escalateAfterMinutes ?? cur.escalateAfterMinutes, directChats: input.directChats ?? cur.directChats,
    });
    return this.settings(corpId);
  }

  /** The corp's answerer, rebuilt when the library changed (in any process: the version is read each batch). */
  private async answerer(db: Db, corpId: string) {
    const version = await repo.libraryVersion(db, corpId);
    const cached = this.answerers.get(corpId);
    if (cached?.version === version) return cached;
    const faqs = await repo.listFaqs(db, corpId);
    const next = { version, answerer: this.factory(faqs), faqs: new Map(faqs.map((f) => [f.id, f])) };
    this.answerers.set(corpId, next);
    return next;
  }

  /** Tries a text against the library, as a message would be matched. */
  async test(corpId: string, text: string, tier: string | null): Promise<{ words: string[]; matches: { faqId: number; question: string; phrasing: string; score: number }[]; threshold: number }> {
    const { answerer } = await this.answerer(this.pool, corpId);
    const { threshold } = await this.settings(corpId);
    return { words: contentWords(text), matches: answerer.match(text, { tier, threshold: 0.3, limit: 5 }), threshold };
  }

  // ---- messages in ----
  /** The chat archive's listener: customers' questions matched and stored, staff messages answering them. */
  listener(): ArchiveListener {
    return { name: 'faq', onMessages: (db, corpId, messages) => this.onMessages(db, corpId, messages, 'archive') };
  }

  async onMessages(db: Db, corpId: string, messages: Incoming[], source: QuestionSource): Promise<void> {
    const sent = messages.filter((m) => m.action === 'send');
    if (!sent.length) return;
    // Staff messages first: a question in the same batch after them is still open.
    const staffMsgs = sent.filter((m) => m.senderKind === 'staff');
    const asks = sent.filter((m) => m.senderKind === 'customer' && (m.type === 'text' || m.type === 'mixed') && m.text.trim());
    const settings = asks.length ? await this.settings(corpId, db) : FAQ_DEFAULTS;
    const groups = await repo.groupsOf(db, corpId, [...new Set(asks.flatMap((m) => (m.chatId ? [m.chatId] : [])))]);
    const { answerer } = asks.length ? await this.answerer(db, corpId) : { answerer: null };
    const questions: repo.NewQuestion[] = [];
    for (const m of asks) {
      if (!m.chatId && !settings.directChats) continue;
      const group = m.chatId ? groups.get(m.chatId) : undefined;
      // A group Pond does not know yet (not synced) has no owner to suggest to: nothing to do.
      if (m.chatId && !group?.answerer) continue;
      const owner = m.chatId ? group!.answerer : m.peer;
      const [hit] = answerer!.match(m.text, { tier: m.chatId ? group!.tier : null, threshold: settings.threshold, limit: 1 });
      if (!hit && !QUESTION.test(m.text)) continue;
      questions.push({
        msgid: m.msgid, source, status: hit ? 'matched' : 'unmatched', text: m.text.slice(0, 2000), chatId: m.chatId, externalUserid: m.sender,
        ownerUserid: owner, faqId: hit?.faqId ?? null, score: hit?.score ?? null, askedAt: m.sentAt,
      });
    }
    const stored = await repo.insertQuestions(db, corpId, questions);
    const matched = stored.filter((q) => q.status === 'matched');
    if (matched.length) {
      await enqueue(db, 'pond_faq/suggest', matched.map((q) => ({
        corpId, key: `faq:suggest:${q.id}`, payload: { QuestionId: String(q.id), CreateTime: String(Math.floor(q.asked_at.getTime() / 1000)) },
      })), Priority.Change);
      await notifyInbox(db);
    }
    const known = await repo.knownCustomers(db, corpId, [...new Set(stored.flatMap((q) => (q.external_userid ? [q.external_userid] : [])))]);
    await appendTimeline(db, corpId, stored.filter((q) => q.external_userid && known.has(q.external_userid)).map((q): TimelineEvent => ({
      externalUserid: q.external_userid!, type: 'faq.asked', chatId: q.chat_id, occurredAt: q.asked_at, dedupeKey: `faq.asked:${q.msgid}`,
      data: { questionId: q.id, faqId: q.faq_id, matched: q.status === 'matched', source },
    })));
    if (staffMsgs.length) {
      const answered = await repo.answerByChat(db, corpId, staffMsgs.map((m) => ({ chatId: m.chatId, peer: m.peer, sender: m.sender, at: m.sentAt })));
      await this.answeredTimeline(db, corpId, answered, 'chat');
      const withTask = answered.filter((q) => q.task_id);
      await enqueue(db, 'pond_faq/answered', withTask.map((q) => ({
        corpId, key: `faq:answered:${q.id}`, payload: { QuestionId: String(q.id), TaskId: String(q.task_id), CreateTime: String(Math.floor(q.answered_at!.getTime() / 1000)) },
      })), Priority.Change);
    }
  }

  private async answeredTimeline(db: Db, corpId: string, qs: { id: number; external_userid: string | null; chat_id: string | null; owner_userid: string | null; asked_at: Date; answered_at: Date | null }[], via: 'task' | 'chat'): Promise<void> {
    const known = await repo.knownCustomers(db, corpId, [...new Set(qs.flatMap((q) => (q.external_userid ? [q.external_userid] : [])))]);
    await appendTimeline(db, corpId, qs.filter((q) => q.external_userid && known.has(q.external_userid)).map((q): TimelineEvent => ({
      externalUserid: q.external_userid!, type: 'faq.answered', chatId: q.chat_id, userid: q.owner_userid, occurredAt: q.answered_at ?? new Date(),
      dedupeKey: `faq.answered:${q.id}`,
      data: { questionId: q.id, via, seconds: q.answered_at ? Math.max(0, Math.round((q.answered_at.getTime() - q.asked_at.getTime()) / 1000)) : null },
    })));
  }

  // ---- the follow-ups (inbox events) ----
  handlers(): InboxHandlers {
    return {
      'pond_faq/suggest': async (ctx) => { await this.suggest(ctx.corpId, Number(ctx.ev.QuestionId)); },
      'pond_faq/answered': async (ctx) => {
        await this.tasks.endOfSource(ctx.corpId, 'faq', Number(ctx.ev.QuestionId), 'done', { via: 'wecom' });
      },
      'hit_keyword/*': (ctx) => this.onKeywordHit(ctx),
    };
  }

  /** The suggested reply for a matched question: the budget asked, the task made (once), the owner told now. */
  async suggest(corpId: string, questionId: number, now = new Date()): Promise<number | null> {
    const q = await repo.getQuestion(this.pool, corpId, questionId);
    if (!q || q.status !== 'matched' || !q.faq_id || !q.owner_userid) return null;
    if (q.task_id) return q.task_id;
    const faq = await repo.getFaq(this.pool, corpId, q.faq_id);
    if (!faq) return null;
    const targetKind = q.chat_id ? 'group' as const : 'customer' as const;
    const targetId = (q.chat_id ?? q.external_userid)!;
    // A reply the customer asked for: caps, gap and quiet hours do not hold it back; do-not-disturb still does.
    const [plan] = await this.governance.plan({
      corpId, targetKind, channel: 'task', via: 'chat', sourceKind: 'faq', sourceId: q.id, content: faq.answer, at: now,
      targets: [{ targetId, staffUserid: q.owner_userid, ref: `faq:${q.id}` }],
      override: { by: 'faq', reason: '回复客户提问 reply to a customer question' },
    });
    const skipped = plan?.status === 'skipped';
    const [taskId] = await this.tasks.create(corpId, [{
      kind: 'send', ownerUserid: q.owner_userid, dueAt: q.asked_at, targetKind, externalUserid: q.chat_id ? null : q.external_userid, chatId: q.chat_id,
      content: faq.answer, sourceKind: 'faq', sourceId: q.id, sourceName: suggestionName(q.text, faq.question), dedupeKey: `faq:${q.id}`,
      ledgerId: skipped ? null : plan?.ledgerId ?? null, skipReason: skipped ? plan.reason ?? 'budget' : null,
    }]);
    await repo.setSuggested(this.pool, corpId, q.id, taskId, now);
    // The app message now, not at the next minute's pass.
    await this.tasks.notifyDue(now);
    return taskId;
  }

  /** WeCom's keyword-rule hit: the same path as an archived customer message (deduplicated with it by message id). */
  private async onKeywordHit(ctx: EventContext<KeywordHit>): Promise<void> {
    const ev = ctx.ev;
    const text = ev.Content || ev.Keyword || '';
    if (!text || !ev.ExternalUserID) return;
    const msgid = ev.MsgId || `hk:${createHash('sha256').update(`${ev.RuleId ?? ''}|${ev.ChatId ?? ''}|${ev.ExternalUserID}|${ev.MsgTime ?? ev.CreateTime ?? ''}|${text}`).digest('hex').slice(0, 32)}`;
    const sentAt = ev.MsgTime && /^\d+$/.test(ev.MsgTime) ? new Date(Number(ev.MsgTime) * 1000) : ctx.at;
    await withTransaction(this.pool, (db) => this.onMessages(db, ctx.corpId, [{
      msgid, action: 'send', type: 'text', sender: ev.ExternalUserID!, senderKind: 'customer', chatId: ev.ChatId || null, peer: ev.ChatId ? null : ev.UserID || null,
      sentAt, text,
    }], 'hit_keyword'));
  }

  // ---- the clock ----
  async tick(now: Date): Promise<{ escalated: number; suggested: number }> {
    const claimed = await repo.claimEscalations(this.pool, now);
    const byCorp = new Map<string, number[]>();
    for (const q of claimed) if (q.task_id) byCorp.set(q.corp_id, [...(byCorp.get(q.corp_id) ?? []), q.task_id]);
    let escalated = 0;
    for (const [corpId, ids] of byCorp) escalated += await this.tasks.escalateNow(corpId, ids, now);
    let suggested = 0;
    for (const q of await repo.unsuggested(this.pool, new Date(now.getTime() - 60_000))) {
      try {
        if (await this.suggest(q.corp_id, q.id, now)) suggested++;
      } catch (err) {
        this.log.warn({ err, questionId: q.id }, 'faq: suggestion failed');
      }
    }
    return { escalated, suggested };
  }

  // ---- operators ----
  async questions(scope: Scope, q: FaqQuestionQuery & { limit: number; offset: number }): Promise<{ items: FaqQuestionOutput[]; total: number }> {
    const { rows, total } = await repo.listQuestions(this.pool, scope, { ...q, faqId: q.faqId === undefined ? undefined : Number(q.faqId) });
    return { items: rows.map(questionOut), total };
  }

  async question(scope: Scope, id: number): Promise<FaqQuestionOutput> {
    const { rows: [r] } = await repo.listQuestions(this.pool, scope, { id, limit: 1, offset: 0 });
    if (!r) throw AppError.notFound(`question ${id}`);
    return questionOut(r);
  }

  async dismiss(scope: Scope, id: number): Promise<FaqQuestionOutput> {
    const q = await repo.getQuestion(this.pool, scope.corpId, id);
    if (!q) throw AppError.notFound(`question ${id}`);
    if (q.status !== 'unmatched' && q.status !== 'dismissed') throw new AppError('conflict', `question ${id} is ${q.status}: only an unmatched question can be dismissed`);
    await repo.setStatus(this.pool, scope.corpId, id, ['unmatched'], 'dismissed');
    return this.question(scope, id);
  }

  /** One click from an unmatched question to an FAQ (the question prefilled); the question is marked added. */
  async fromQuestion(scope: Scope, id: number, input: FaqFromQuestionInput): Promise<FaqOutput> {
    const q = await repo.getQuestion(this.pool, scope.corpId, id);
    if (!q) throw AppError.notFound(`question ${id}`);
    if (q.status !== 'unmatched' && q.status !== 'dismissed') throw new AppError('conflict', `question ${id} is ${q.status}: only an unmatched question becomes an FAQ`);
    const question = (input.question ?? q.text).trim().slice(0, 100);
    const faq = await this.create(scope.corpId, { question, synonyms: input.synonyms ?? [], answer: input.answer, tiers: input.tiers ?? [] });
    await repo.setStatus(this.pool, scope.corpId, id, ['unmatched', 'dismissed'], 'added');
    return faq;
  }

  async stats(scope: Scope, q: FaqStatsQuery) {
    const tz = await corpZone(this.pool, scope.corpId);
    const today = dayIn(new Date(), tz);
    const from = q.from ?? addDays(today, -6);
    const to = q.to ?? today;
    if (to < from) throw AppError.validation('to', 'must not be before from');
    if (addDays(from, 366) < to) throw AppError.validation('to', 'at most 366 days after from');
    const { totals: t, top } = await repo.stats(this.pool, scope, zonedTime(from, '00:00', tz), zonedTime(addDays(to, 1), '00:00', tz));
    const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
    return {
      from, to, questions: t.questions, hits: t.hits, unmatched: t.unmatched, answered: t.answered, escalated: t.escalated,
      medianSeconds: round(t.median_s), p90Seconds: round(t.p90_s), suggestP90Seconds: round(t.suggest_p90_s),
      top: top.map((r) => ({ faqId: r.faq_id, question: r.question, hits: r.hits })),
    };
  }
}

/** The suggestion task's name — the app message's title and the sidebar's line: what the customer asked, then the FAQ. */
function suggestionName(asked: string, faq: string): string {
  const said = asked.replace(/\s+/g, ' ').trim();
  return `客户提问「${said.length > 40 ? `${said.slice(0, 40)}…` : said}」→ ${faq}`.slice(0, 100);
}
