// Corp connection, the setup checklist, sync runs, and order settings (webhook URL, RFM thresholds).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { OrderSettings, RfmThresholdsInput } from '@pond/contracts/commerce';
import type { Checklist, CorpSettings, CorpSettingsInput, SyncRun, SyncRunInput, SyncRunList } from '@pond/contracts/settings';
import { api } from '../../api/client';

export type { CheckItem, Checklist, CheckStatus, CheckSummary, CorpSettings, CorpSettingsInput, SyncRun, SyncStatus } from '@pond/contracts/settings';

const corpKey = ['settings', 'corp'] as const;
const checklistKey = ['settings', 'checklist'] as const;
const syncRunsKey = ['settings', 'sync-runs'] as const;

export function useCorpSettings() {
  return useQuery({
    queryKey: corpKey,
    queryFn: ({ signal }) => api.get<CorpSettings>('/settings/corp', undefined, signal),
  });
}

export function useUpdateCorpSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CorpSettingsInput) => api.put<CorpSettings>('/settings/corp', input),
    onSuccess: (settings) => {
      queryClient.setQueryData(corpKey, settings);
      // New credentials change what the checklist finds, and the corp name shows in the header.
      void queryClient.invalidateQueries({ queryKey: checklistKey });
      void queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });
}

export function useChecklist() {
  return useQuery({
    queryKey: checklistKey,
    queryFn: ({ signal }) => api.get<Checklist>('/settings/checklist', undefined, signal),
  });
}

export function useRunChecklist() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Checklist>('/settings/checklist/run'),
    onSuccess: (result) => queryClient.setQueryData(checklistKey, result),
  });
}

const isActive = (run: SyncRun) => run.status === 'queued' || run.status === 'running';

export function useSyncRuns() {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: syncRunsKey,
    queryFn: async ({ signal }) => {
      const previous = queryClient.getQueryData<SyncRunList>(syncRunsKey);
      const next = await api.get<SyncRunList>('/sync/runs', undefined, signal);
      // A run that just finished may have fixed (or found) problems the checklist reports.
      if (previous?.items.some(isActive) && !next.items.some(isActive)) {
        void queryClient.invalidateQueries({ queryKey: checklistKey });
      }
      return next;
    },
    refetchInterval: (query) => (query.state.data?.items.some(isActive) ? 2000 : false),
  });
}

export function useStartSync() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<SyncRun>('/sync/runs', { kind: 'full' } satisfies SyncRunInput),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: syncRunsKey }),
  });
}

export { isActive as isSyncActive };

// ---- Orders: the shop's webhook URL (admins) and the RFM thresholds --------------------------

const orderSettingsKey = ['settings', 'orders'] as const;

export function useOrderSettings() {
  return useQuery({
    queryKey: orderSettingsKey,
    queryFn: ({ signal }) => api.get<OrderSettings>('/settings/orders', undefined, signal),
  });
}

function useOrderSettingsWrite<I>(write: (input: I) => Promise<OrderSettings>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: (settings) => {
      queryClient.setQueryData(orderSettingsKey, settings);
      // Buckets on customer pages and segment counts follow the thresholds.
      void queryClient.invalidateQueries({ queryKey: ['customers', 'orders'] });
      void queryClient.invalidateQueries({ queryKey: ['segments'] });
    },
  });
}

export function useUpdateRfm() {
  return useOrderSettingsWrite((input: RfmThresholdsInput) => api.put<OrderSettings>('/settings/rfm', input));
}

export function useRegenerateWebhookToken() {
  return useOrderSettingsWrite(() => api.post<OrderSettings>('/settings/orders/webhook-token'));
}
