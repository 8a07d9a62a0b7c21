// Group segments' SQL: the condition "this group is in the rule, within the caller's scope".
import type pg from 'pg';
import { GroupSegmentRule } from '@pond/contracts/group-segments';
import type { Cols } from '../../platform/db/rows';
import { AppError } from '../../platform/errors';
import { savedRule } from '../segments';
import type { Scope } from '../../platform/auth';
import { groupVisibleSql } from '../../platform/resources';
import type { Params } from '../../platform/sql';
import { compileGroupRule } from './rule';

/** SQL condition over `groups g`: a group of the corp, visible in `scope`, matching `rule`. */
export function groupWhere(scope: Scope, rule: GroupSegmentRule, p: Params): string {
  return `g.corp_id = ${p.add(scope.corpId)} AND ${groupVisibleSql(scope, p)} AND ${compileGroupRule(rule, p)}`;
}

/** SQL condition "`column` (a chat id) is a group of saved group segment `id`" (evaluated now, within the scope), for
 * other modules that use a group segment as their audience (broadcasts, playbooks). A missing one is a 400 on `field`. */
export async function inSavedGroupSegment(pool: Pick<pg.Pool, 'query'>, scope: Scope, id: number, p: Params, column: string, field: string): Promise<string> {
  const { rows: [seg] } = await pool.query<Cols<'group_segments', 'rule'>>('SELECT rule FROM group_segments WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL', [scope.corpId, id]);
  if (!seg) throw AppError.validation(field, `no group segment ${id}`);
  const rule = savedRule(GroupSegmentRule, seg.rule, field, `group segment ${id}`);
  return `${column} IN (SELECT g.chat_id FROM groups g WHERE ${groupWhere(scope, rule, p)})`;
}
