// A tiny parameter collector for hand-written SQL with optional filters.
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

import type { Scope } from './auth';

/** SQL condition limiting customers (alias `c`) to what the scope may see. */
export function customerScopeSql(scope: Scope, p: Params, alias = 'c'): string {
  if (scope.staffUserid) {
    return `EXISTS (SELECT 1 FROM follows sf WHERE sf.corp_id = ${alias}.corp_id AND sf.external_userid = ${alias}.external_userid AND sf.userid = ${p.add(scope.staffUserid)})`;
  }
  if (scope.storeIds) {
    return `EXISTS (SELECT 1 FROM follows sf JOIN staff ss ON ss.corp_id = sf.corp_id AND ss.userid = sf.userid
                    WHERE sf.corp_id = ${alias}.corp_id AND sf.external_userid = ${alias}.external_userid AND ss.store_id = ANY(${p.add(scope.storeIds)}::bigint[]))`;
  }
  return 'true';
}

/** SQL condition limiting staff (alias `s`). */
export function staffScopeSql(scope: Scope, p: Params, alias = 's'): string {
  if (scope.staffUserid) return `${alias}.userid = ${p.add(scope.staffUserid)}`;
  if (scope.storeIds) return `${alias}.store_id = ANY(${p.add(scope.storeIds)}::bigint[])`;
  return 'true';
}

/** SQL condition limiting groups (alias `g`) by their owner. */
export function groupScopeSql(scope: Scope, p: Params, alias = 'g'): string {
  if (scope.staffUserid) return `${alias}.owner_userid = ${p.add(scope.staffUserid)}`;
  if (scope.storeIds) return `${alias}.store_id = ANY(${p.add(scope.storeIds)}::bigint[])`;
  return 'true';
}
