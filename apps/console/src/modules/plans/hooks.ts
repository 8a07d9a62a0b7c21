// Campaign results (GET /api/results) and activity plans with their review (/api/plans…).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Plan, PlanInput, PlanPatch, PlanReview, Results } from '@pond/contracts/plans';
import { api } from '../../api/client';

export type { Plan, PlanInput, PlanPatch, PlanReview, Results, ResultRow } from '@pond/contracts/plans';

export type Filters = Record<string, string | undefined>;
const clean = (f: Filters) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;

export function useResults(f: Filters) {
  return useQuery({ queryKey: ['results', f], queryFn: ({ signal }) => api.get<Results>('/results', clean(f), signal) });
}
export function usePlans() {
  return useQuery({ queryKey: ['plans'], queryFn: ({ signal }) => api.get<{ items: Plan[]; total: number }>('/plans', { limit: 200 }, signal) });
}
export function usePlan(id: number | null) {
  return useQuery({ queryKey: ['plans', id], enabled: id !== null, queryFn: ({ signal }) => api.get<Plan>(`/plans/${id}`, undefined, signal) });
}
export function useReview(id: number) {
  return useQuery({ queryKey: ['plans', id, 'review'], queryFn: ({ signal }) => api.get<PlanReview>(`/plans/${id}/review`, undefined, signal) });
}
export function useSavePlan() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number | null; body: PlanInput | PlanPatch }) => (id === null ? api.post<Plan>('/plans', body) : api.patch<Plan>(`/plans/${id}`, body)),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['plans'] }),
  });
}
export function useDeletePlan() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: number) => api.delete(`/plans/${id}`), onSuccess: () => qc.invalidateQueries({ queryKey: ['plans'] }) });
}

/** Names of what a plan may link (the pickers): campaigns of every kind, live codes, broadcasts, playbooks. */
export function useLinkOptions() {
  const campaigns = useQuery({ queryKey: ['plans', 'options', 'campaigns'], queryFn: ({ signal }) => api.get<{ items: { id: number; kind: string; name: string }[] }>('/campaigns', { limit: 200 }, signal) });
  const codes = useQuery({ queryKey: ['plans', 'options', 'codes'], queryFn: ({ signal }) => api.get<{ items: { id: number; name: string }[] }>('/live-codes', { pageSize: 200 }, signal) });
  const broadcasts = useQuery({ queryKey: ['plans', 'options', 'broadcasts'], queryFn: ({ signal }) => api.get<{ items: { id: number; name: string }[] }>('/broadcasts', { limit: 200 }, signal) });
  const playbooks = useQuery({ queryKey: ['plans', 'options', 'playbooks'], queryFn: ({ signal }) => api.get<{ items: { id: number; name: string }[] }>('/playbooks', undefined, signal) });
  return { campaigns, codes, broadcasts, playbooks };
}
