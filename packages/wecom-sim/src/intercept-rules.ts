// Staff-side sensitive words (WECOM.md §18): externalcontact/{add,get,update,del}_intercept_rule and
// get_intercept_rule_list, kept per corp; and the keyword-rule hit (hit_keyword, 数据与智能专区) as a callback the
// simulator emits on request. The hit event's field names are UNCONFIRMED in WeCom's docs: these are Pond's reading.
import type { SimContext } from './context';
import { E } from './errors';
import { randomId } from './ids';
import type { SimEvent } from './events';
import { isRecord, type Body } from './validate';

interface RuleRow { rule_id: string; rule_name: string; word_list: string[]; semantics_list: number[]; intercept_type: number; user_list: string[]; department_list: number[]; created_at: string }

function words(v: unknown, field: string, required: boolean): string[] | undefined {
  if (v === undefined && !required) return undefined;
  if (!Array.isArray(v) || (required && v.length === 0) || v.length > 300) throw E.param(field, 'must be a list of 1–300 words');
  for (const w of v) if (typeof w !== 'string' || w.length < 1 || [...w].length > 32) throw E.param(field, 'each word is 1–32 characters');
  return v as string[];
}
function range(v: unknown, field: string): { users: string[]; deps: number[] } {
  if (v === undefined) return { users: [], deps: [] };
  if (!isRecord(v)) throw E.param(field, 'must be an object');
  const users = v.user_list ?? [];
  const deps = v.department_list ?? [];
  if (!Array.isArray(users) || users.some((u) => typeof u !== 'string')) throw E.param(`${field}.user_list`, 'must be a list of userids');
  if (!Array.isArray(deps) || deps.some((d) => !Number.isInteger(d))) throw E.param(`${field}.department_list`, 'must be a list of department ids');
  return { users: users as string[], deps: deps as number[] };
}
function semantics(v: unknown): number[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => x !== 1 && x !== 2 && x !== 3)) throw E.param('semantics_list', 'must list 1 (phone), 2 (email), 3 (red packet)');
  return v as number[];
}
const ruleName = (v: unknown) => {
  if (typeof v !== 'string' || !v || [...v].length > 20) throw E.param('rule_name', 'is required, at most 20 characters');
  return v;
};
const interceptType = (v: unknown) => {
  if (v !== 1 && v !== 2) throw E.param('intercept_type', 'must be 1 or 2');
  return v;
};

async function find(ctx: SimContext, corpId: string, ruleId: unknown): Promise<RuleRow> {
  if (typeof ruleId !== 'string' || !ruleId) throw E.param('rule_id', 'is required');
  const row = await ctx.db.one<RuleRow>('SELECT * FROM {s}.intercept_rules WHERE corp_id = $1 AND rule_id = $2', [corpId, ruleId]);
  if (!row) throw E.param('rule_id', `no rule ${ruleId}`);
  return row;
}

export async function addInterceptRule(ctx: SimContext, corpId: string, body: Body): Promise<{ rule_id: string }> {
  const name = ruleName(body.rule_name);
  const list = words(body.word_list, 'word_list', true)!;
  const r = range(body.applicable_range, 'applicable_range');
  if (!r.users.length && !r.deps.length) throw E.param('applicable_range', 'name at least one user or department');
  const ruleId = randomId(24);
  await ctx.db.q(
    `INSERT INTO {s}.intercept_rules (corp_id, rule_id, rule_name, word_list, semantics_list, intercept_type, user_list, department_list, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [corpId, ruleId, name, list, semantics(body.semantics_list) ?? [], interceptType(body.intercept_type), r.users, r.deps, ctx.clock.nowSec()]);
  return { rule_id: ruleId };
}

export async function listInterceptRules(ctx: SimContext, corpId: string) {
  const rows = await ctx.db.q<RuleRow>('SELECT * FROM {s}.intercept_rules WHERE corp_id = $1 ORDER BY created_at, rule_id', [corpId]);
  return { rule_list: rows.map((r) => ({ rule_id: r.rule_id, rule_name: r.rule_name, create_time: Number(r.created_at) })) };
}

export async function getInterceptRule(ctx: SimContext, corpId: string, body: Body) {
  const r = await find(ctx, corpId, body.rule_id);
  return {
    rule: {
      rule_id: r.rule_id, rule_name: r.rule_name, word_list: r.word_list, semantics_list: r.semantics_list, intercept_type: r.intercept_type,
      applicable_range: { user_list: r.user_list, department_list: r.department_list }, create_time: Number(r.created_at),
    },
  };
}

export async function updateInterceptRule(ctx: SimContext, corpId: string, body: Body): Promise<void> {
  const r = await find(ctx, corpId, body.rule_id);
  const name = body.rule_name === undefined ? r.rule_name : ruleName(body.rule_name);
  const list = words(body.word_list, 'word_list', false) ?? r.word_list;
  const extra = isRecord(body.extra_rule) ? semantics(body.extra_rule.semantics_list) : undefined;
  const type = body.intercept_type === undefined ? r.intercept_type : interceptType(body.intercept_type);
  const add = range(body.add_applicable_range, 'add_applicable_range');
  const remove = range(body.remove_applicable_range, 'remove_applicable_range');
  const users = [...new Set([...r.user_list, ...add.users])].filter((u) => !remove.users.includes(u));
  const deps = [...new Set([...r.department_list, ...add.deps])].filter((d) => !remove.deps.includes(d));
  if (!users.length && !deps.length) throw E.param('remove_applicable_range', 'a rule keeps at least one user or department');
  await ctx.db.q(
    `UPDATE {s}.intercept_rules SET rule_name = $3, word_list = $4, semantics_list = $5, intercept_type = $6, user_list = $7, department_list = $8
      WHERE corp_id = $1 AND rule_id = $2`, [corpId, r.rule_id, name, list, extra ?? r.semantics_list, type, users, deps]);
}

export async function delInterceptRule(ctx: SimContext, corpId: string, body: Body): Promise<void> {
  const r = await find(ctx, corpId, body.rule_id);
  await ctx.db.q('DELETE FROM {s}.intercept_rules WHERE corp_id = $1 AND rule_id = $2', [corpId, r.rule_id]);
}

export interface KeywordHitInput {
  ruleId?: string;
  keyword?: string;
  /** The group (roomid) the message was in; absent for a 1:1 chat with `userid`. */
  chatId?: string;
  externalUserid: string;
  userid?: string;
  msgid?: string;
  content: string;
}

/** A keyword-rule hit, as the corp's callback (hit_keyword). */
export async function emitKeywordHit(ctx: SimContext, corpId: string, input: KeywordHitInput): Promise<{ msgid: string }> {
  const now = ctx.clock.nowSec();
  const msgid = input.msgid ?? `hk${randomId(20)}`;
  const ev: SimEvent = {
    corpId,
    key: `${corpId}:hk:${input.chatId ?? input.externalUserid}`,
    fields: {
      ToUserName: corpId, FromUserName: 'sys', CreateTime: now, MsgType: 'event', Event: 'hit_keyword',
      RuleId: input.ruleId ?? 'sim-rule', Keyword: input.keyword, ChatId: input.chatId, ExternalUserID: input.externalUserid, UserID: input.userid,
      MsgId: msgid, Content: input.content, MsgTime: now,
    },
  };
  await ctx.callbacks.emit([ev]);
  return { msgid };
}
