// Moderation (issue 16). Customers' group messages reach `listener()` from the chat archive's ingest (exactly once,
// inside its transaction). Each is checked against its group tier's rules (rules.ts; the history rules from
// `moderation_posts`); a hit is stored once per message and rule, adds one strike per message to the customer's
// corp-wide record (flagged in every group), blocks them from group codes at the tier's strike limit, writes the
// timeline and gives the group's owner a task with the message and the one step to remove the member (WeCom has no
// API for it), told by app message at once through a `pond_moderation/alert` inbox event. Staff-side sensitive words
// are WeCom's intercept rules, read and written through the API. A tier's persona, rules and slots make a draft group
// playbook (the content calendar).
import type pg from 'pg';
import type { PlaybookInput, PlaybookOutput } from '@pond/contracts/playbooks';
import {
  DEFAULT_TIER, ModerationConfig, type GroupProfileInput, type InterceptRuleInput, type ModerationConfigInput, type ModerationRule, type ViolationQuery,
} from '@pond/contracts/moderation';
import type { Scope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import { enqueue, notifyInbox, Priority, type InboxHandlers } from '../../platform/inbox';
import type { Logger } from '../../platform/log';
import { defineClock, hourlyAt } from '../../platform/queue';
import { addDays, corpZone, dayIn } from '../../platform/time';
import type { ArchiveListener, StoredMessage } from '../archive';
import { appendTimeline, type TimelineEvent } from '../customers';
import type { CorpService } from '../org';
import type { TaskService } from '../tasks';
import * as repo from './repo';
import { checkMessage, compileWords, textHash, type RuleHit, type WordList } from './rules';

type Db = Pick<pg.PoolClient, 'query'>;

const RULE_LABEL: Record<ModerationRule, string> = {
  link: '发链接 link', qr: '发二维码 QR code', weapp: '发小程序 mini-program', card: '发名片 contact card', phone: '发手机号 phone number',
  word: '违禁词 banned word', repeat: '刷屏 repeated message', new_member: '新成员入群即发言 new member posting', multi_group: '多群发言 posting in many groups',
};

export const DEFAULT_CONFIG: ModerationConfig = ModerationConfig.parse({});

/** The playbook service's create, as moderation uses it (the calendar). */
export interface PlaybookMaker { create(scope: Scope, input: PlaybookInput, by: string | null): Promise<PlaybookOutput> }

export class ModerationService {
  private readonly words = new Map<string, { key: string; list: WordList }>();

  /** Hourly: drop post history older than the longest window (a day). */
  readonly pruneJob = defineClock('moderation.prune', hourlyAt(23), () => repo.prunePosts(this.pool, new Date(Date.now() - 86_400_000)));

  constructor(
    private readonly pool: pg.Pool,
    private readonly corps: CorpService,
    private readonly tasks: TaskService,
    private readonly playbooks: PlaybookMaker,
    private readonly log: Logger,
  ) {}

  // ---- rules per tier ----
  async rules(corpId: string, db: Db = this.pool): Promise<Map<string, { config: ModerationConfig; updatedAt: Date | null }>> {
    const out = new Map<string, { config: ModerationConfig; updatedAt: Date | null }>();
    for (const r of await repo.listRules(db, corpId)) out.set(r.tier, { config: ModerationConfig.parse(r.config), updatedAt: r.updated_at });
    if (!out.has(DEFAULT_TIER)) out.set(DEFAULT_TIER, { config: DEFAULT_CONFIG, updatedAt: null });
    return out;
  }

  async listRules(corpId: string) {
    return [...(await this.rules(corpId))].map(([tier, r]) => ({ tier, config: r.config, updatedAt: r.updatedAt }));
  }

  async putRule(corpId: string, tier: string, input: ModerationConfigInput) {
    const config = ModerationConfig.parse(input);
    await repo.upsertRule(this.pool, corpId, tier, config);
    const r = (await this.rules(corpId)).get(tier)!;
    return { tier, config: r.config, updatedAt: r.updatedAt };
  }

  async deleteRule(corpId: string, tier: string): Promise<void> {
    if (tier === DEFAULT_TIER) throw AppError.validation('tier', `the default rules (${DEFAULT_TIER}) can be changed but not removed`);
    if (!await repo.deleteRule(this.pool, corpId, tier)) throw AppError.notFound(`moderation rules of tier ${tier}`);
  }

  private wordList(corpId: string, tier: string, c: ModerationConfig): WordList {
    const key = `${c.pinyinInitials ? 1 : 0}:${c.words.join('\u0000')}`;
    const id = `${corpId}\u0000${tier}`;
    const hit = this.words.get(id);
    if (hit?.key === key) return hit.list;
    const list = compileWords(c.words, c.pinyinInitials);
    this.words.set(id, { key, list });
    return list;
  }

  // ---- messages in ----
  listener(): ArchiveListener {
    // An image's QR code is known once its file is downloaded (archive media): the message is checked again then —
    // violations are stored once per message and rule, so the rules it was already checked for add nothing.
    return { name: 'moderation', onMessages: (db, corpId, messages) => this.onMessages(db, corpId, messages), onMedia: (db, corpId, messages) => this.onMessages(db, corpId, messages) };
  }

  async onMessages(db: Db, corpId: string, messages: StoredMessage[], now = new Date()): Promise<void> {
    const msgs = messages.filter((m) => m.action === 'send' && m.senderKind === 'customer' && m.chatId);
    if (!msgs.length) return;
    const groups = await repo.groupsOf(db, corpId, [...new Set(msgs.map((m) => m.chatId!))]);
    const rules = await this.rules(corpId, db);
    const configOf = (chatId: string) => {
      const tier = groups.get(chatId)?.tier ?? null;
      const own = tier ? rules.get(tier) : undefined;
      return { tier: own ? tier! : DEFAULT_TIER, config: (own ?? rules.get(DEFAULT_TIER)!).config };
    };
    const checked = msgs.map((m) => ({ m, ...configOf(m.chatId!), hash: textHash(m) })).filter((x) => x.config.enabled);
    if (!checked.length) return;
    await repo.insertPosts(db, corpId, checked.map((x) => ({ ext: x.m.sender, at: x.m.sentAt, chatId: x.m.chatId!, hash: x.hash, msgid: x.m.msgid })));
    const needHistory = checked.filter((x) => x.config.repeat || x.config.multiGroup);
    const history = await repo.historyCounts(db, corpId, needHistory.map((x) => ({
      msgid: x.m.msgid, ext: x.m.sender, at: x.m.sentAt, hash: x.hash, repeatMin: x.config.repeat?.minutes ?? 0, groupMin: x.config.multiGroup?.minutes ?? 0,
    })));
    const joins = await repo.joinTimes(db, corpId, checked.filter((x) => x.config.newMember).map((x) => ({ chatId: x.m.chatId!, ext: x.m.sender })));

    const found: repo.NewViolation[] = [];
    for (const x of checked) {
      const c = x.config;
      const hits: RuleHit[] = checkMessage(x.m, c, this.wordList(corpId, x.tier, c));
      const h = history.get(x.m.msgid);
      if (c.repeat && h && h.repeats >= c.repeat.count) hits.push({ rule: 'repeat', detail: `${h.repeats} 次 / ${c.repeat.minutes} 分钟 (times / minutes)` });
      if (c.multiGroup && h && h.groups >= c.multiGroup.groups) hits.push({ rule: 'multi_group', detail: `${h.groups} 个群 / ${c.multiGroup.minutes} 分钟 (groups / minutes)` });
      const joined = joins.get(`${x.m.chatId}\u0000${x.m.sender}`);
      if (c.newMember && joined && x.m.sentAt.getTime() - joined.getTime() < c.newMember.minutes * 60_000 && x.m.sentAt >= joined) {
        hits.push({ rule: 'new_member', detail: `入群 ${Math.max(0, Math.round((x.m.sentAt.getTime() - joined.getTime()) / 60_000))} 分钟内 (minutes after joining)` });
      }
      for (const hit of hits) {
        found.push({ msgid: x.m.msgid, rule: hit.rule, detail: hit.detail, chatId: x.m.chatId!, ext: x.m.sender, text: x.m.text, owner: groups.get(x.m.chatId!)?.owner ?? null, at: x.m.sentAt });
      }
    }
    const stored = await repo.insertViolations(db, corpId, found);
    if (!stored.length) return;

    // One strike per message, however many rules it broke; the strike limit is the tier's.
    const newMsgs = new Map<string, repo.NewViolation & { rules: ModerationRule[] }>();
    for (const v of stored) {
      const f = found.find((x) => x.msgid === v.msgid && x.rule === v.rule)!;
      const cur = newMsgs.get(v.msgid);
      if (cur) cur.rules.push(v.rule);
      else newMsgs.set(v.msgid, { ...f, rules: [v.rule] });
    }
    const perCustomer = new Map<string, { n: number; limit: number; at: Date }>();
    for (const v of newMsgs.values()) {
      const limit = configOf(v.chatId).config.strikesToBlock;
      const cur = perCustomer.get(v.ext);
      perCustomer.set(v.ext, cur ? { n: cur.n + 1, limit: Math.min(cur.limit, limit), at: v.at > cur.at ? v.at : cur.at } : { n: 1, limit, at: v.at });
    }
    const strikes = await repo.addStrikes(db, corpId, [...perCustomer].map(([ext, s]) => ({ ext, ...s })), now);
    const strikeOf = new Map(strikes.map((s) => [s.external_userid, s]));

    // The owner's task: one per offender and group per hour, whatever they keep posting in it.
    const taskFor = new Map<string, repo.NewViolation & { rules: ModerationRule[] }>();
    for (const v of newMsgs.values()) {
      if (!v.owner) continue;
      const key = `moderation:${v.chatId}:${v.ext}:${Math.floor(v.at.getTime() / 3_600_000)}`;
      if (!taskFor.has(key)) taskFor.set(key, v);
    }
    const keys = [...taskFor.keys()];
    const taskIds = await this.tasks.create(corpId, keys.map((key) => {
      const v = taskFor.get(key)!;
      const g = groups.get(v.chatId);
      const s = strikeOf.get(v.ext);
      return {
        kind: 'review' as const, ownerUserid: v.owner!, dueAt: v.at, targetKind: 'group' as const, chatId: v.chatId, dedupeKey: key,
        sourceKind: 'moderation' as const, sourceName: `群管 Moderation：${v.rules.map((r) => RULE_LABEL[r]).join('、')}`.slice(0, 100),
        content: { text: guide(g?.name ?? v.chatId, v, s?.strikes ?? 1, s?.newly_blocked ?? false), attachments: [] },
      };
    }), db);
    const violationTask = new Map<string, number>();
    keys.forEach((key, i) => violationTask.set(`${taskFor.get(key)!.chatId}\u0000${taskFor.get(key)!.ext}`, taskIds[i]));
    const withTask = stored.filter((v) => violationTask.has(`${v.chat_id}\u0000${v.external_userid}`));
    await repo.setViolationTasks(db, corpId, withTask.map((v) => v.id), withTask.map((v) => violationTask.get(`${v.chat_id}\u0000${v.external_userid}`)!));
    if (keys.length) {
      await enqueue(db, 'pond_moderation/alert', keys.map((key) => ({
        corpId, key: `${key}:alert`, payload: { ChatId: taskFor.get(key)!.chatId, CreateTime: String(Math.floor(taskFor.get(key)!.at.getTime() / 1000)) },
      })), Priority.Change);
      await notifyInbox(db);
    }

    const known = await repo.knownCustomers(db, corpId, [...perCustomer.keys()]);
    const events: TimelineEvent[] = [];
    for (const v of newMsgs.values()) {
      if (!known.has(v.ext)) continue;
      events.push({
        externalUserid: v.ext, type: 'moderation.violated', chatId: v.chatId, occurredAt: v.at, dedupeKey: `moderation.violated:${v.msgid}`,
        data: { rules: v.rules, msgid: v.msgid, strikes: strikeOf.get(v.ext)?.strikes ?? null },
      });
    }
    for (const s of strikes) {
      if (!s.newly_blocked || !known.has(s.external_userid)) continue;
      events.push({
        externalUserid: s.external_userid, type: 'moderation.blocked', occurredAt: now, dedupeKey: `moderation.blocked:${s.external_userid}:${now.getTime()}`,
        data: { strikes: s.strikes },
      });
    }
    await appendTimeline(db, corpId, events);
  }

  handlers(): InboxHandlers {
    return { 'pond_moderation/alert': async () => { await this.tasks.notifyDue(new Date()); } };
  }

  /** The live-codes gate: a blocked customer (by WeChat identity) is refused by group codes. */
  isBlocked(corpId: string, unionid: string | null): Promise<boolean> {
    return unionid ? repo.isBlocked(this.pool, corpId, unionid) : Promise.resolve(false);
  }

  async pardon(corpId: string, ext: string): Promise<void> {
    if (!await repo.pardon(this.pool, corpId, ext)) throw AppError.notFound(`offender ${ext}`);
  }

  async violations(scope: Scope, q: ViolationQuery & { limit: number; offset: number }) {
    const { rows, total } = await repo.listViolations(this.pool, scope, q);
    return {
      total,
      items: rows.map((r) => ({
        id: r.id, rule: r.rule, detail: r.detail, chatId: r.chat_id, chatName: r.chat_name, externalUserid: r.external_userid, customerName: r.customer_name,
        msgid: r.msgid, text: r.text, ownerUserid: r.owner_userid, taskId: r.task_id, occurredAt: r.occurred_at, strikes: r.strikes ?? 0, blocked: !!r.blocked_at,
      })),
    };
  }

  async offenders(corpId: string, q: { blocked?: 'true' | 'false'; limit: number; offset: number }) {
    const { rows, total } = await repo.listOffenders(this.pool, corpId, { blocked: q.blocked === undefined ? undefined : q.blocked === 'true', limit: q.limit, offset: q.offset });
    return { total, items: rows.map((r) => ({ externalUserid: r.external_userid, name: r.name, strikes: r.strikes, lastAt: r.last_at, blockedAt: r.blocked_at, pardonedAt: r.pardoned_at })) };
  }

  // ---- WeCom intercept rules (staff-side sensitive words) ----
  async interceptRules(corpId: string) {
    const client = await this.corps.client(corpId);
    const { rule_list } = await client.getInterceptRuleList();
    await repo.rememberInterceptRules(this.pool, corpId, (rule_list ?? []).map((r) => ({ id: r.rule_id, name: r.rule_name })), true);
    return { items: (rule_list ?? []).map((r) => ({ ruleId: r.rule_id, name: r.rule_name, createdAt: r.create_time ? new Date(r.create_time * 1000) : null })) };
  }

  async interceptRule(corpId: string, ruleId: string) {
    const client = await this.corps.client(corpId);
    const { rule } = await client.getInterceptRule(ruleId);
    return {
      ruleId: rule.rule_id, name: rule.rule_name, words: rule.word_list, semantics: rule.semantics_list ?? [], interceptType: rule.intercept_type,
      userids: rule.applicable_range?.user_list ?? [], departmentIds: rule.applicable_range?.department_list ?? [],
      createdAt: rule.create_time ? new Date(rule.create_time * 1000) : null,
    };
  }

  async addInterceptRule(corpId: string, input: InterceptRuleInput) {
    const client = await this.corps.client(corpId);
    const { rule_id } = await client.addInterceptRule({
      rule_name: input.name, word_list: input.words, semantics_list: input.semantics ?? [], intercept_type: input.interceptType ?? 1,
      applicable_range: { user_list: input.userids ?? [], department_list: input.departmentIds ?? [] },
    });
    await repo.rememberInterceptRules(this.pool, corpId, [{ id: rule_id, name: input.name }], false);
    return this.interceptRule(corpId, rule_id);
  }

  /** Replaces the rule's fields; the range is sent as WeCom wants it: what to add and what to remove. */
  async updateInterceptRule(corpId: string, ruleId: string, input: InterceptRuleInput) {
    const cur = await this.interceptRule(corpId, ruleId);
    const users = input.userids ?? [];
    const deps = input.departmentIds ?? [];
    const client = await this.corps.client(corpId);
    await client.updateInterceptRule({
      rule_id: ruleId, rule_name: input.name, word_list: input.words, extra_rule: { semantics_list: input.semantics ?? [] }, intercept_type: input.interceptType ?? 1,
      add_applicable_range: { user_list: users.filter((u) => !cur.userids.includes(u)), department_list: deps.filter((d) => !cur.departmentIds.includes(d)) },
      remove_applicable_range: { user_list: cur.userids.filter((u) => !users.includes(u)), department_list: cur.departmentIds.filter((d) => !deps.includes(d)) },
    });
    await repo.rememberInterceptRules(this.pool, corpId, [{ id: ruleId, name: input.name }], false);
    return this.interceptRule(corpId, ruleId);
  }

  async deleteInterceptRule(corpId: string, ruleId: string): Promise<void> {
    const client = await this.corps.client(corpId);
    await client.delInterceptRule(ruleId);
    await repo.forgetInterceptRule(this.pool, corpId, ruleId);
  }

  // ---- tier profiles and the content calendar ----
  async profiles(corpId: string) {
    return (await repo.listProfiles(this.pool, corpId)).map((r) => ({
      tier: r.tier, personaName: r.persona_name, tone: r.tone, intro: r.intro, rules: r.rules, announcement: r.announcement, slots: r.slots, groups: r.groups, updatedAt: r.updated_at,
    }));
  }

  async putProfile(corpId: string, tier: string, input: GroupProfileInput) {
    const slots = input.slots ?? [];
    const times = new Set<string>();
    slots.forEach((s, i) => {
      if (times.has(s.time)) throw AppError.validation(`slots[${i}].time`, 'two slots at the same time');
      times.add(s.time);
    });
    await repo.upsertProfile(this.pool, corpId, tier, {
      personaName: input.personaName ?? '', tone: input.tone ?? '', intro: input.intro ?? '', rules: input.rules ?? '', announcement: input.announcement ?? '',
      slots: [...slots].sort((a, b) => a.time.localeCompare(b.time)),
    });
    return (await this.profiles(corpId)).find((p) => p.tier === tier)!;
  }

  /**
   * A draft group playbook for the tier: the persona's introduction tomorrow morning, the announcement and a rules
   * reminder every Monday, and each daily slot every day. Operators review and activate it in Playbooks.
   */
  async generateCalendar(scope: Scope, tier: string, by: string | null): Promise<{ playbookId: number; steps: number }> {
    const p = (await this.profiles(scope.corpId)).find((x) => x.tier === tier);
    if (!p || !p.updatedAt) throw AppError.notFound(`profile of tier ${tier}`);
    const tz = await corpZone(this.pool, scope.corpId);
    const tomorrow = addDays(dayIn(new Date(), tz), 1);
    const sign = p.personaName ? `\n—— ${p.personaName}` : '';
    const steps: PlaybookInput['steps'] = [];
    if (p.intro) steps.push({ name: '人设介绍 Introduction', schedule: { repeat: 'dates', time: '09:00', dates: [tomorrow] }, content: { text: `${p.intro}${sign}` } });
    if (p.announcement) steps.push({ name: '群公告 Announcement', schedule: { repeat: 'weekly', time: '09:30', weekdays: [1] }, content: { text: p.announcement } });
    if (p.rules) steps.push({ name: '群规提醒 Rules reminder', schedule: { repeat: 'weekly', time: '10:00', weekdays: [1] }, content: { text: `【群规 Group rules】\n${p.rules}` } });
    for (const s of p.slots) steps.push({ name: s.label.slice(0, 60), schedule: { repeat: 'daily', time: s.time }, content: { text: `${s.text}${sign}` } });
    if (!steps.length) throw AppError.validation('tier', 'the profile has no introduction, announcement, rules or slots to schedule');
    const pb = await this.playbooks.create(scope, {
      kind: 'group', name: `${tier} 内容日历 Content calendar`.slice(0, 60),
      description: `由分层「${tier}」的人设、群规与时段生成 · Generated from the tier's persona, rules and slots${p.tone ? ` · 语气 Tone: ${p.tone}` : ''}`.slice(0, 500),
      audience: { tiers: [tier], labels: [], chatIds: [] }, steps,
    }, by);
    return { playbookId: pb.id, steps: pb.steps.length };
  }
}

/** The owner's task text: what was posted, which rules, and the one step to remove the member in WeCom. */
function guide(group: string, v: { text: string; rules: ModerationRule[]; ext: string }, strikes: number, blocked: boolean): string {
  const quote = v.text.length > 200 ? `${v.text.slice(0, 200)}…` : v.text;
  return [
    `群「${group}」有成员违规：${v.rules.map((r) => RULE_LABEL[r]).join('、')}`,
    `消息 Message：${quote || '（非文字消息 non-text message）'}`,
    `累计 ${strikes} 次违规${blocked ? '，已禁止通过群活码入群' : ''} · ${strikes} strike(s)${blocked ? ', now blocked from group codes' : ''}；已在本企业所有群标记 flagged in all groups.`,
    '移出群聊 Remove：在企业微信打开该群 → 右上角「…」→ 群成员 → 点「-」选中该成员 → 删除。',
    'Open the group in WeCom → "…" → Members → "-" → select the member → Remove. (WeCom offers no API to remove a customer.)',
  ].join('\n');
}
