// Bulk tagging jobs: tag or untag every active relation of a filtered customer list in the
// background (per-relationship WeCom calls), with progress, failures and cancel.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BulkTagFilter, BulkTagJob, BulkTagJobBody, BulkTagJobDetail } from '@pond/contracts/tags';
import { api, type ItemList } from '../../api/client';

export type BulkFilter = BulkTagFilter;
export type BulkJob = BulkTagJob;
export type BulkJobDetail = BulkTagJobDetail;

export const bulkJobsKey = ['bulk-tag-jobs'] as const;
export const isRunning = (status: string) => status === 'queued' || status === 'running';

export function useCreateBulkJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: BulkTagJobBody) => api.post<BulkJob>('/bulk-tag-jobs', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: bulkJobsKey }),
  });
}

export function useBulkJobs(enabled = true) {
  return useQuery({
    queryKey: [...bulkJobsKey, 'list'],
    queryFn: ({ signal }) => api.get<ItemList<BulkJob>>('/bulk-tag-jobs', undefined, signal),
    enabled,
    refetchInterval: (q) => (q.state.data?.items.some((j) => isRunning(j.status)) ? 2000 : false),
  });
}

export function useBulkJob(id: number | null) {
  return useQuery({
    queryKey: [...bulkJobsKey, 'detail', id],
    queryFn: ({ signal }) => api.get<BulkJobDetail>(`/bulk-tag-jobs/${id}`, undefined, signal),
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data && isRunning(q.state.data.status) ? 2000 : false),
  });
}

export function useCancelBulkJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<{ ok: true }>(`/bulk-tag-jobs/${id}/cancel`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: bulkJobsKey }),
  });
}
