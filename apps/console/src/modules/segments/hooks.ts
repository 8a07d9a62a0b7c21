// Customer segments (客户分层): a rule of nested AND/OR groups of conditions, previewed live (count
// and a sample) and saved by name; a saved segment lists its members and exports them as CSV.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  SEGMENT_EVENT_TYPES,
  type RfmBucket,
  type Segment as ApiSegment,
  type SegmentEventType,
  type SegmentMember,
  type SegmentPreview,
  type TagMatchMode,
} from '@pond/contracts/segments';
import { api, apiUrl, type ItemList, type Page } from '../../api/client';
import { treeComplete, type RuleTree } from './rule-editor';
import type { SavedSegment } from './segment-workspace';

export type TagMode = TagMatchMode;
export type { SegmentEventType };
export const EVENT_TYPES: readonly SegmentEventType[] = SEGMENT_EVENT_TYPES;

/** A condition as the editor holds it (@pond/contracts/segments SegmentCondition once complete): numbers stay empty
 * (null) while being typed, and ruleComplete says when the rule can be sent. */
export type Condition =
  | { type: 'tags'; mode: TagMode; tagIds: string[] }
  | { type: 'gender'; values: number[] }
  | { type: 'staff'; userids: string[] }
  | { type: 'store'; storeIds: (number | string)[] }
  | { type: 'channel'; channels: string[] }
  | { type: 'added'; from?: string; to?: string }
  | { type: 'event'; eventType: SegmentEventType; op: 'atLeast' | 'atMost'; count: number | null; days: number | null }
  | OrdersCondition
  | { type: 'rfm'; buckets: RfmBucket[] };

/** Recency: last order within / not within `value` days; frequency: order count; monetary: total spent in yuan. */
export type OrdersCondition =
  | { type: 'orders'; metric: 'recency'; op: 'within' | 'notWithin'; value: number | null }
  | { type: 'orders'; metric: 'frequency' | 'monetary'; op: 'atLeast' | 'atMost'; value: number | null };
export type OrdersMetric = OrdersCondition['metric'];

export type ConditionType = Condition['type'];
export const CONDITION_TYPES: ConditionType[] = ['tags', 'gender', 'staff', 'store', 'channel', 'added', 'event', 'orders', 'rfm'];

export type RuleGroup = RuleTree<Condition>;

export function newCondition(type: ConditionType): Condition {
  switch (type) {
    case 'tags':
      return { type, mode: 'any', tagIds: [] };
    case 'gender':
      return { type, values: [] };
    case 'staff':
      return { type, userids: [] };
    case 'store':
      return { type, storeIds: [] };
    case 'channel':
      return { type, channels: [] };
    case 'added':
      return { type };
    case 'event':
      return { type, eventType: 'customer.added', op: 'atLeast', count: 1, days: 30 };
    case 'orders':
      return { type, metric: 'recency', op: 'within', value: 30 };
    case 'rfm':
      return { type, buckets: [] };
  }
}

/** Switching the metric keeps the condition valid: recency takes within/notWithin and days, the others atLeast/atMost. */
export function withMetric(c: OrdersCondition, metric: OrdersMetric): OrdersCondition {
  if (metric === c.metric) return c;
  if (metric === 'recency') return { type: 'orders', metric, op: 'within', value: 30 };
  return { type: 'orders', metric, op: 'atLeast', value: metric === 'frequency' ? 2 : 200 };
}

function conditionComplete(c: Condition): boolean {
  switch (c.type) {
    case 'tags':
      return c.tagIds.length > 0;
    case 'gender':
      return c.values.length > 0;
    case 'staff':
      return c.userids.length > 0;
    case 'store':
      return c.storeIds.length > 0;
    case 'channel':
      return c.channels.length > 0;
    case 'added':
      return Boolean(c.from || c.to);
    case 'event':
      return typeof c.count === 'number' && c.count >= 0 && typeof c.days === 'number' && c.days >= 1;
    case 'orders':
      return typeof c.value === 'number' && c.value >= (c.metric === 'recency' ? 1 : 0);
    case 'rfm':
      return c.buckets.length > 0;
  }
}

export const ruleComplete = (rule: RuleGroup): boolean => treeComplete(rule, conditionComplete);

export type SampleCustomer = SegmentMember;
export type Preview = SegmentPreview;

/** A saved segment. The console always saves a group at the rule's root, so that is what it reads back. */
export type Segment = Omit<ApiSegment, 'rule'> & { rule: RuleGroup };
type SegmentId = SavedSegment<Condition>['id'];

const segmentsKey = ['segments'] as const;

export function useSegments() {
  return useQuery({
    queryKey: segmentsKey,
    queryFn: async ({ signal }) => (await api.get<ItemList<Segment>>('/segments', undefined, signal)).items,
  });
}

export function usePreview(rule: RuleGroup | null) {
  return useQuery({
    queryKey: ['segments', 'preview', rule],
    enabled: rule !== null,
    queryFn: () => api.post<Preview>('/segments/preview', { rule }),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useSegmentMembers(id: SegmentId | null, page: number, pageSize: number) {
  return useQuery({
    queryKey: ['segments', 'members', id, page, pageSize],
    enabled: id !== null,
    queryFn: ({ signal }) => api.get<Page<SampleCustomer>>(`/segments/${encodeURIComponent(String(id))}/members`, { page, pageSize }, signal),
    placeholderData: keepPreviousData,
  });
}

export const exportUrl = (id: SegmentId) => apiUrl(`/segments/${encodeURIComponent(String(id))}/export.csv`);

export function useSaveSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name, rule }: { id: SegmentId | null; name: string; rule: RuleGroup }) =>
      id === null
        ? api.post<Segment>('/segments', { name, rule })
        : api.patch<Segment>(`/segments/${encodeURIComponent(String(id))}`, { name, rule }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: segmentsKey }),
  });
}

export function useDeleteSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: Segment['id']) => api.delete<unknown>(`/segments/${encodeURIComponent(String(id))}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: segmentsKey }),
  });
}
