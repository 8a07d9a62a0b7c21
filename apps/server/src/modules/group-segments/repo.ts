// Group segments' SQL: the condition "this group is in the rule, within the caller's scope".
import type { GroupSegmentRule } from '@pond/contracts/group-segments';
import type { Scope } from '../../platform/auth';
import { groupVisibleSql } from '../../platform/resources';
import type { Params } from '../../platform/sql';
import { compileGroupRule } from './rule';

/** SQL condition over `groups g`: a group of the corp, visible in `scope`, matching `rule`. */
export function groupWhere(scope: Scope, rule: GroupSegmentRule, p: Params): string {
  return `g.corp_id = ${p.add(scope.corpId)} AND ${groupVisibleSql(scope, p)} AND ${compileGroupRule(rule, p)}`;
}
