// Reads for the customer list, its CSV export and the customer page, always within the caller's scope.
import type pg from 'pg';
import type { z } from 'zod';
import type { CustomerDetail, CustomerEvent, CustomerFilters, CustomerList, CustomerListQuery, Follow, Timeline } from '@pond/contracts/customers';
import type { Scope } from '../../platform/auth';
import { toCsv } from '../../platform/csv';
import { AppError } from '../../platform/errors';
import { corpZone } from '../../platform/time';
import { describeEvent, referencedIds, type DescribableEvent, type EventNames } from './describe';
import {
  attributesOf, findVisibleCustomer, followsOf, groupsOf, listCustomers, namesOf, tagNames, timelineOf, type FollowWithStaff,
} from './repo';

/** A relation as the API shows it (the customer page, and the answer to an edit). */
export const followOut = (f: FollowWithStaff): z.output<typeof Follow> => ({
  userid: f.userid, staffName: f.staff_name, remark: f.remark, description: f.description, remarkMobiles: f.remark_mobiles,
  remarkCorpName: f.remark_corp_name, addWay: f.add_way, operUserid: f.oper_userid, state: f.state, tagIds: f.tag_ids,
  personalTags: f.personal_tags, addedAt: f.added_at, status: f.status, deletedAt: f.deleted_at,
});

/** Rows of the CSV export. */
const EXPORT_MAX_ROWS = 100_000;
const EXPORT_PAGE = 1000;

export class CustomerService {
  constructor(private pool: pg.Pool) {}

  async list(scope: Scope, query: z.output<typeof CustomerListQuery>): Promise<z.output<typeof CustomerList>> {
    const { rows, total } = await listCustomers(this.pool, scope, query);
    return {
      items: rows.map((r) => ({
        externalUserid: r.external_userid, name: r.name, avatar: r.avatar, type: r.type, gender: r.gender, corpName: r.corp_name,
        tagIds: r.tag_ids,
        follows: r.follows.map((f) => ({ ...f, addedAt: f.addedAt === null ? null : new Date(f.addedAt), personalTags: f.personalTags ?? [] })),
        firstAddedAt: r.first_added_at, orderCount: r.order_count, orderTotal: Number(r.order_total), lastOrderAt: r.last_order_at,
      })),
      total,
    };
  }

  /** The filtered list as CSV (up to 100,000 rows), times in the corp's zone, tags by name. */
  async csv(scope: Scope, filters: z.output<typeof CustomerFilters>): Promise<string> {
    const rows: Record<string, unknown>[] = [];
    for (let page = 1; ; page++) {
      const { items } = await this.list(scope, { ...filters, page, pageSize: EXPORT_PAGE });
      for (const c of items) {
        const active = c.follows.filter((f) => f.status === 'active');
        rows.push({
          externalUserid: c.externalUserid, name: c.name, gender: c.gender, corpName: c.corpName, firstAddedAt: c.firstAddedAt, tagIds: c.tagIds,
          orderCount: c.orderCount, orderTotal: c.orderTotal.toFixed(2), lastOrderAt: c.lastOrderAt,
          staff: active.map((f) => f.staffName ?? f.userid),
          remarks: c.follows.map((f) => f.remark).filter(Boolean),
          // Staff's own tags (个人标签) from the WeCom client, across active relations.
          personalTags: [...new Set(active.flatMap((f) => f.personalTags))],
        });
      }
      if (items.length < EXPORT_PAGE || rows.length >= EXPORT_MAX_ROWS) break;
    }
    const names = new Map((await tagNames(this.pool, scope.corpId)).map((t) => [t.id, t.name]));
    for (const r of rows) r.tags = (r.tagIds as string[]).map((t) => names.get(t) ?? t);
    return toCsv([
      { key: 'externalUserid', header: 'external_userid' }, { key: 'name', header: '昵称 name' }, { key: 'gender', header: '性别 gender' },
      { key: 'corpName', header: '企业 corp' }, { key: 'staff', header: '跟进员工 staff' }, { key: 'remarks', header: '备注 remarks' },
      { key: 'tags', header: '标签 tags' }, { key: 'personalTags', header: '个人标签 personal_tags' }, { key: 'firstAddedAt', header: '首次添加 first_added_at' },
      { key: 'orderCount', header: '订单数 order_count' }, { key: 'orderTotal', header: '消费金额 order_total' }, { key: 'lastOrderAt', header: '最近下单 last_order_at' },
    ], rows, await corpZone(this.pool, scope.corpId));
  }

  async detail(scope: Scope, externalUserid: string): Promise<z.output<typeof CustomerDetail>> {
    const c = await findVisibleCustomer(this.pool, scope, externalUserid);
    if (!c) throw AppError.notFound(`customer ${externalUserid}`);
    const [follows, groups, timeline, attributes] = await Promise.all([
      followsOf(this.pool, scope, externalUserid),
      groupsOf(this.pool, scope, externalUserid),
      this.timeline(scope, externalUserid, { limit: 100 }),
      attributesOf(this.pool, scope.corpId, externalUserid),
    ]);
    return {
      customer: {
        externalUserid: c.external_userid, name: c.name, avatar: c.avatar, type: c.type, gender: c.gender, unionid: c.unionid,
        corpName: c.corp_name, corpFullName: c.corp_full_name, position: c.position, firstAddedAt: c.first_added_at,
        lastEventAt: c.last_event_at, activeFollowCount: c.active_follow_count,
        orderCount: c.order_count, orderTotal: Number(c.order_total), firstOrderAt: c.first_order_at, lastOrderAt: c.last_order_at,
        attributes: Object.fromEntries(attributes.map((a) => [a.key, a.value])),
      },
      follows: follows.map(followOut),
      groups: groups.map((g) => ({ chatId: g.chat_id, name: g.name, joinTime: g.join_time, joinScene: g.join_scene, leftAt: g.left_at, quitScene: g.quit_scene })),
      timeline: timeline.items,
    };
  }

  /** The customer's events as the scope sees them (platform/resources.ts customerEventVisibleSql). */
  async timeline(scope: Scope, externalUserid: string, opts: { before?: number; limit: number }): Promise<z.output<typeof Timeline>> {
    const rows = await timelineOf(this.pool, scope, externalUserid, opts);
    const events = rows.map((r): Omit<z.output<typeof CustomerEvent>, 'summary'> => ({
      id: r.id, type: r.type, occurredAt: r.occurred_at, userid: r.userid, staffName: r.staff_name, chatId: r.chat_id, data: r.data,
    }));
    const names = await this.eventNames(scope.corpId, events);
    return { items: events.map((e) => ({ ...e, summary: describeEvent(e, names) })) };
  }

  /** Names of the codes, tags (deleted ones too: the event happened), groups and staff a page of events mentions. */
  private async eventNames(corpId: string, events: DescribableEvent[]): Promise<EventNames> {
    const found = await namesOf(this.pool, corpId, referencedIds(events));
    const toMap = (rows: { id: string; name: string }[]) => new Map(rows.map((x) => [x.id, x.name]));
    return { codes: toMap(found.codes), tags: toMap(found.tags), groups: toMap(found.groups), staff: toMap(found.staff) };
  }
}
