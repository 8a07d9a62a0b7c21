// Bulk tagging jobs: tag or untag every active relation of a filtered customer list in the
// background (per-relationship WeCom calls), with progress, failures and cancel.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ItemList } from '../../api/client';

export type BulkJobStatus = 'queued' | 'running' | 'done' | 'cancelled' | 'failed';

export interface BulkFilter {
  q?: string;
  tagIds?: string[];
  userid?: string;
  storeId?: number;
  /** A saved segment's members (evaluated when the job starts). */
  segmentId?: number;
}

export interface BulkJob {
  id: number;
  action: 'add' | 'remove';
  tagIds: string[];
  source: unknown;
  status: BulkJobStatus | string;
  total: number;
  done: number;
  failed: number;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface BulkJobDetail extends BulkJob {
  failures: { externalUserid: string; name: string | null; userid: string; error: string | null }[];
}

export const bulkJobsKey = ['bulk-tag-jobs'] as const;
export const isRunning = (status: string) => status === 'queued' || status === 'running';

export function useCreateBulkJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { action: 'add' | 'remove'; tagIds: string[]; filter?: BulkFilter; externalUserids?: string[] }) =>
      api.post<BulkJob>('/bulk-tag-jobs', input),
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
