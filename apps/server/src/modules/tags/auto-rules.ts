// Auto-tag rules: put tags on a customer's relations when they add through a code or a channel, join a
// group, reach a count of timeline events in a window (e.g. joined ≥ 3 groups, scanned ≥ 2 codes in
// 30 days) or of orders (≥ N orders, ≥ X yuan, optionally in the last D days). Rules run on events (after
// an add is enriched, after group joins, after an order is matched) and as a backfill over everyone who
// already qualifies (a bulk tag job). Tags go to WeCom with mark_tag, relation by relation.
import type pg from 'pg';
import { WecomError } from '@pond/wecom';
import { AutoTagRuleParams, type AutoTagRuleBody, type AutoTagRuleKind } from '@pond/contracts/tags';
import { corpScope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import type { CorpService } from '../org';
import { markRelationTags } from '../customers';
import type { BulkTagService } from './bulk';
import {
  activeRelations, addAttribution, behaviourCounts, customersInGroups, customersMeetingOrderRule, customersOfChannels, customersOfCodes,
  deleteAutoTagRule, enabledAutoTagRules, findAutoTagRule, insertAutoTagRule, listAutoTagRules, liveTagIds, setAutoTagRuleEnabled,
  type AutoTagRuleRow,
} from './repo';

const toRule = (r: AutoTagRuleRow) => ({ id: r.id, name: r.name, kind: r.kind, params: r.params, tagIds: r.tag_ids, enabled: r.enabled, createdAt: r.created_at });

export class AutoTagRules {
  constructor(private pool: pg.Pool, private corps: CorpService, private bulk: BulkTagService, private log: Logger) {}

  private parseParams(kind: AutoTagRuleKind, params: unknown): unknown {
    const r = AutoTagRuleParams[kind].safeParse(params);
    if (!r.success) {
      const i = r.error.issues[0];
      throw AppError.validation(['params', ...i.path.map(String)].join('.'), i.message);
    }
    return r.data;
  }

  async list(corpId: string) {
    return (await listAutoTagRules(this.pool, corpId)).map(toRule);
  }

  async create(corpId: string, body: AutoTagRuleBody & { enabled: boolean }) {
    const params = this.parseParams(body.kind, body.params);
    const live = await liveTagIds(this.pool, corpId, body.tagIds);
    const missing = body.tagIds.find((t) => !live.includes(t));
    if (missing) throw AppError.validation('tagIds', `no tag ${missing} in this corp`);
    return toRule(await insertAutoTagRule(this.pool, corpId, { ...body, params }));
  }

  async setEnabled(corpId: string, id: number, enabled: boolean) {
    const r = await setAutoTagRuleEnabled(this.pool, corpId, id, enabled);
    if (!r) throw AppError.notFound(`auto-tag rule ${id}`);
    return toRule(r);
  }

  async remove(corpId: string, id: number): Promise<void> {
    if (!(await deleteAutoTagRule(this.pool, corpId, id))) throw AppError.notFound(`auto-tag rule ${id}`);
  }

  /** After an add was enriched: code, channel and behaviour rules for that relation. */
  async onAdded(corpId: string, externalUserid: string, userid: string, code: { id: number; channel: string } | null, at: Date): Promise<void> {
    const tags = new Set<string>();
    for (const r of await enabledAutoTagRules(this.pool, corpId, ['code', 'channel', 'behaviour'])) {
      if (r.kind === 'code' && code && r.params.codeIds.includes(code.id)) r.tag_ids.forEach((t) => tags.add(t));
      if (r.kind === 'channel' && code && r.params.channels.includes(code.channel)) r.tag_ids.forEach((t) => tags.add(t));
      if (r.kind === 'behaviour' && (await this.meets(corpId, externalUserid, r.params))) r.tag_ids.forEach((t) => tags.add(t));
    }
    await this.apply(corpId, externalUserid, [userid], [...tags], at);
  }

  /** The contact handlers' hook after an add was enriched: the relation's code (if any) comes from its attribution. */
  async onEnrichedAdd(corpId: string, externalUserid: string, userid: string, sourceInboxId: number, at: Date): Promise<void> {
    const a = await addAttribution(this.pool, corpId, sourceInboxId);
    await this.onAdded(corpId, externalUserid, userid, a?.code_id ? { id: Number(a.code_id), channel: a.channel ?? '' } : null, at);
  }

  /** After the customer joined a group: group and behaviour rules, on every active relation. */
  async onJoinedGroup(corpId: string, externalUserid: string, chatId: string, at: Date): Promise<void> {
    const tags = new Set<string>();
    for (const r of await enabledAutoTagRules(this.pool, corpId, ['group', 'behaviour'])) {
      if (r.kind === 'group' && (r.params.chatIds.length === 0 || r.params.chatIds.includes(chatId))) r.tag_ids.forEach((t) => tags.add(t));
      if (r.kind === 'behaviour' && (await this.meets(corpId, externalUserid, r.params))) r.tag_ids.forEach((t) => tags.add(t));
    }
    if (tags.size === 0) return;
    await this.apply(corpId, externalUserid, await this.relationsOf(corpId, externalUserid), [...tags], at);
  }

  /** After an order was matched to the customer (the inbox's pond_order event): order rules, on every active relation. */
  async onOrder(corpId: string, externalUserid: string, at: Date): Promise<void> {
    const tags = new Set<string>();
    for (const r of await enabledAutoTagRules(this.pool, corpId, ['order'])) {
      if (r.kind === 'order' && (await customersMeetingOrderRule(this.pool, corpId, r.params, externalUserid)).length) r.tag_ids.forEach((t) => tags.add(t));
    }
    if (tags.size === 0) return;
    await this.apply(corpId, externalUserid, await this.relationsOf(corpId, externalUserid), [...tags], at);
  }

  private async relationsOf(corpId: string, externalUserid: string): Promise<string[]> {
    return (await activeRelations(this.pool, corpId, externalUserid)).map((r) => r.userid);
  }

  private async meets(corpId: string, ext: string, params: { eventType: 'customer.added' | 'group.joined' | 'scan'; days: number; min: number }): Promise<boolean> {
    const [c] = await behaviourCounts(this.pool, corpId, params.eventType, params.days, ext);
    return (c?.n ?? 0) >= params.min;
  }

  /** mark_tag on each relation that lacks some of the tags; our own tables and timeline follow. */
  private async apply(corpId: string, ext: string, userids: string[], tagIds: string[], at: Date): Promise<void> {
    if (tagIds.length === 0 || userids.length === 0) return;
    const rows = await activeRelations(this.pool, corpId, ext, userids);
    const live = await liveTagIds(this.pool, corpId, tagIds);
    const client = await this.corps.client(corpId);
    for (const f of rows) {
      const add = live.filter((t) => !f.tag_ids.includes(t));
      if (add.length === 0) continue;
      await markRelationTags(this.pool, client, { corpId, externalUserid: ext, userid: f.userid, add, at, data: { by: 'rule' } });
    }
  }

  /**
   * Tags another module's rule puts on given relations (a moment's auto-tag on the customers who liked or commented, on
   * their relation with the staff member who posted): mark_tag where a live tag is missing, our tables and the timeline
   * follow (`data` says why). A relation WeCom refuses (gone, …) is reported, not thrown; quota and token errors throw.
   */
  async tagRelations(corpId: string, relations: { externalUserid: string; userid: string }[], tagIds: string[], at: Date, data: Record<string, unknown>): Promise<{ failed: { externalUserid: string; userid: string; error: string }[] }> {
    const failed: { externalUserid: string; userid: string; error: string }[] = [];
    const live = await liveTagIds(this.pool, corpId, tagIds);
    if (live.length === 0 || relations.length === 0) return { failed };
    const client = await this.corps.client(corpId);
    for (const r of relations) {
      const [f] = await activeRelations(this.pool, corpId, r.externalUserid, [r.userid]);
      const add = f ? live.filter((t) => !f.tag_ids.includes(t)) : [];
      if (add.length === 0) continue;
      try {
        await markRelationTags(this.pool, client, { corpId, externalUserid: r.externalUserid, userid: r.userid, add, at, data });
      } catch (err) {
        if (err instanceof WecomError && err.kind === 'api' && !err.isBusy && !err.isTokenError) failed.push({ ...r, error: `${err.errcode} ${err.errmsg}` });
        else throw err;
      }
    }
    return { failed };
  }

  /** Customers who meet the rule now. */
  private async qualifying(corpId: string, r: AutoTagRuleRow): Promise<string[]> {
    switch (r.kind) {
      case 'code': return customersOfCodes(this.pool, corpId, r.params.codeIds);
      case 'channel': return customersOfChannels(this.pool, corpId, r.params.channels);
      case 'group': return customersInGroups(this.pool, corpId, r.params.chatIds);
      case 'order': return customersMeetingOrderRule(this.pool, corpId, r.params);
      case 'behaviour': {
        const { min } = r.params;
        return (await behaviourCounts(this.pool, corpId, r.params.eventType, r.params.days)).filter((x) => x.n >= min).map((x) => x.external_userid);
      }
    }
  }

  /** Everyone who already qualifies, tagged by a bulk job (progress and report as for any bulk job). */
  async backfill(corpId: string, ruleId: number, createdBy: string) {
    const r = await findAutoTagRule(this.pool, corpId, ruleId);
    if (!r) throw AppError.notFound(`auto-tag rule ${ruleId}`);
    const exts = await this.qualifying(corpId, r);
    return this.bulk.create(corpScope(corpId), { action: 'add', tagIds: r.tag_ids, source: { externalUserids: exts } }, `${createdBy} (rule ${r.name})`);
  }
}
