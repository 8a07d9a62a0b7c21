// Handover (离职继承 / 在职继承): move a staff member's customers (and groups) to another. The server
// applies WeCom's limits in the preview, runs the transfers in the background (100 per call) and
// polls transfer_result; a job's items carry each customer's final result.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  HandoverInput,
  HandoverItem,
  HandoverItemStatus,
  HandoverJob,
  HandoverJobDetail,
  HandoverKind,
  HandoverPreview,
  UnassignedCustomer,
} from '@pond/contracts/handover';
import { api, type ItemList } from '../../api/client';

export type { HandoverInput, HandoverItem, HandoverItemStatus, HandoverJob, HandoverKind, HandoverPreview };
export type UnassignedItem = UnassignedCustomer;

const key = ['handover'] as const;

export function usePreviewHandover() {
  return useMutation({ mutationFn: (input: HandoverInput) => api.post<HandoverPreview>('/handover/preview', input) });
}

export function useStartHandover() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: HandoverInput) => api.post<HandoverJobDetail>('/handover/jobs', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

const open = (status: string | undefined) => status !== undefined && status !== 'done' && status !== 'failed';

export function useHandoverJobs() {
  return useQuery({
    queryKey: [...key, 'jobs'],
    queryFn: ({ signal }) => api.get<ItemList<HandoverJob>>('/handover/jobs', undefined, signal),
    refetchInterval: (q) => (q.state.data?.items.some((j) => open(j.status)) ? 10_000 : false),
  });
}

export function useHandoverJob(id: number | null) {
  return useQuery({
    queryKey: [...key, 'job', id],
    queryFn: ({ signal }) => api.get<HandoverJobDetail>(`/handover/jobs/${id}`, undefined, signal),
    enabled: id !== null,
  });
}

export function useRefreshHandoverJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<HandoverJobDetail>(`/handover/jobs/${id}/refresh`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useUnassigned(enabled: boolean) {
  return useQuery({
    queryKey: [...key, 'unassigned'],
    queryFn: ({ signal }) => api.get<ItemList<UnassignedItem>>('/handover/unassigned', undefined, signal),
    enabled,
  });
}
