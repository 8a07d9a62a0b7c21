// Auto-tag rules: tag customers when they add through a code or channel, join a group, reach a
// count of timeline events or of orders; a backfill tags everyone who already qualifies (as a bulk job).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AutoTagRule, AutoTagRuleBody, AutoTagRuleKind, AutoTagRuleParamsInput, BehaviourEvent } from '@pond/contracts/tags';
import type { Group } from '@pond/contracts/groups';
import type { LiveCode } from '@pond/contracts/live-codes';
import { api, type ItemList, type Page } from '../../api/client';
import type { BulkJob } from './bulk-hooks';
import { bulkJobsKey } from './bulk-hooks';

export type { AutoTagRule, BehaviourEvent };
export type RuleKind = AutoTagRuleKind;
/** The params of any kind of rule, as the form sends them. */
export type RuleParams = AutoTagRuleParamsInput;
export type RuleInput = Omit<AutoTagRuleBody, 'params'> & { params: RuleParams };

const key = ['auto-tag-rules'] as const;

export function useAutoTagRules() {
  return useQuery({ queryKey: key, queryFn: ({ signal }) => api.get<ItemList<AutoTagRule>>('/auto-tag-rules', undefined, signal) });
}

function useRuleWrite<I, O>(write: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: write, onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export function useCreateRule() {
  return useRuleWrite((input: RuleInput) => api.post<AutoTagRule>('/auto-tag-rules', input));
}

export function useToggleRule() {
  return useRuleWrite(({ id, enabled }: { id: number; enabled: boolean }) => api.patch<AutoTagRule>(`/auto-tag-rules/${id}`, { enabled }));
}

export function useDeleteRule() {
  return useRuleWrite((id: number) => api.delete<{ ok: true }>(`/auto-tag-rules/${id}`));
}

export function useBackfillRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<BulkJob>(`/auto-tag-rules/${id}/backfill`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: bulkJobsKey }),
  });
}

/** What the code rule's picker reads of a live code. */
type NamedCode = Pick<LiveCode, 'id' | 'name' | 'kind'>;

/** Live codes of every kind (active), for the code rule's picker. */
export function useAllLiveCodes() {
  return useQuery({
    queryKey: ['live-codes', 'all-for-rules'],
    queryFn: async ({ signal }) => {
      const kinds = ['staff', 'group', 'store'] as const;
      const pages = await Promise.all(
        kinds.map((kind) => api.get<Page<NamedCode>>('/live-codes', { kind, status: 'active', page: 1, pageSize: 100 }, signal).catch(() => ({ items: [], total: 0 }))),
      );
      return pages.flatMap((p) => p.items);
    },
    staleTime: 60_000,
  });
}

export function useGroupOptions() {
  return useQuery({
    queryKey: ['groups', 'options'],
    queryFn: ({ signal }) => api.get<Page<Group>>('/groups', { page: 1, pageSize: 100 }, signal),
    staleTime: 60_000,
  });
}
