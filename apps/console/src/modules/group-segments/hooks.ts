// Group segments (群分层): a rule over groups (tier, labels, owner, store, size, growth, activity,
// created, status), previewed live and saved by name; a saved segment lists its groups and exports CSV.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { GroupSegment as ApiGroupSegment, GroupSegmentPreview, SegmentGroup } from '@pond/contracts/group-segments';
import { api, apiUrl, type ItemList, type Page } from '../../api/client';
import { treeComplete, type RuleTree } from '../segments/rule-editor';
import type { SavedSegment } from '../segments/segment-workspace';

type Op = 'atLeast' | 'atMost';
/** A condition as the editor holds it (@pond/contracts/group-segments GroupCondition once complete): numbers stay
 * empty (null) while being typed, and groupRuleComplete says when the rule can be sent. */
export type GroupCondition =
  | { type: 'tier'; tiers: string[] }
  | { type: 'labels'; mode: 'any' | 'all' | 'none'; labels: string[] }
  | { type: 'owner'; userids: string[] }
  | { type: 'store'; storeIds: (number | string)[] }
  | { type: 'memberCount'; of: 'all' | 'customers'; min?: number; max?: number }
  | { type: 'growth'; op: Op; count: number | null; days: number | null }
  | { type: 'activity'; metric: 'messages' | 'activeMembers'; op: Op; value: number | null; days: number | null }
  | { type: 'created'; from?: string; to?: string }
  | { type: 'status'; values: ('active' | 'dismissed')[] };

export type GroupConditionType = GroupCondition['type'];
export const GROUP_CONDITION_TYPES: GroupConditionType[] = ['tier', 'labels', 'owner', 'store', 'memberCount', 'growth', 'activity', 'created', 'status'];
export type GroupRule = RuleTree<GroupCondition>;

export function newGroupCondition(type: GroupConditionType): GroupCondition {
  switch (type) {
    case 'tier': return { type, tiers: [] };
    case 'labels': return { type, mode: 'any', labels: [] };
    case 'owner': return { type, userids: [] };
    case 'store': return { type, storeIds: [] };
    case 'memberCount': return { type, of: 'all', min: 100 };
    case 'growth': return { type, op: 'atLeast', count: 10, days: 7 };
    case 'activity': return { type, metric: 'messages', op: 'atLeast', value: 50, days: 7 };
    case 'created': return { type };
    case 'status': return { type, values: ['active'] };
  }
}

const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

function conditionComplete(c: GroupCondition): boolean {
  switch (c.type) {
    case 'tier': return c.tiers.length > 0;
    case 'labels': return c.labels.length > 0;
    case 'owner': return c.userids.length > 0;
    case 'store': return c.storeIds.length > 0;
    case 'memberCount': return (num(c.min) || num(c.max)) && !(num(c.min) && num(c.max) && c.min! > c.max!);
    case 'growth': return num(c.count) && num(c.days) && c.days! >= 1;
    case 'activity': return num(c.value) && c.value! >= 0 && num(c.days) && c.days! >= 1 && c.days! <= 180;
    case 'created': return Boolean(c.from || c.to);
    case 'status': return c.values.length > 0;
  }
}

export const groupRuleComplete = (rule: GroupRule): boolean => treeComplete(rule, conditionComplete);

export type { SegmentGroup };
export type GroupPreview = GroupSegmentPreview;

/** A saved group segment. The console always saves a group at the rule's root, so that is what it reads back. */
export type GroupSegment = Omit<ApiGroupSegment, 'rule'> & { rule: GroupRule };
type GroupSegmentId = SavedSegment<GroupCondition>['id'];

const key = ['group-segments'] as const;
const path = (id: GroupSegmentId) => `/group-segments/${encodeURIComponent(String(id))}`;

export function useGroupSegments() {
  return useQuery({
    queryKey: key,
    queryFn: async ({ signal }) => (await api.get<ItemList<GroupSegment>>('/group-segments', undefined, signal)).items,
  });
}

export function useGroupPreview(rule: GroupRule | null) {
  return useQuery({
    queryKey: ['group-segments', 'preview', rule],
    enabled: rule !== null,
    queryFn: () => api.post<GroupPreview>('/group-segments/preview', { rule }),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useGroupSegmentGroups(id: GroupSegmentId | null, page: number, pageSize: number) {
  return useQuery({
    queryKey: ['group-segments', 'groups', id, page, pageSize],
    enabled: id !== null,
    queryFn: ({ signal }) => api.get<Page<SegmentGroup>>(`${path(id!)}/groups`, { page, pageSize }, signal),
    placeholderData: keepPreviousData,
  });
}

export const groupSegmentExportUrl = (id: GroupSegmentId) => apiUrl(`${path(id)}/export.csv`);

export function useSaveGroupSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name, rule }: { id: GroupSegmentId | null; name: string; rule: GroupRule }) =>
      id === null ? api.post<GroupSegment>('/group-segments', { name, rule }) : api.patch<GroupSegment>(path(id), { name, rule }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useDeleteGroupSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: GroupSegment['id']) => api.delete<unknown>(path(id)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}
