// The Measure pages' data: funnel, cohorts, commerce (GET /api/analytics/*), with the filters kept in the URL.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { AnalyticsSettings, Cohorts, Commerce, Funnel } from '@pond/contracts/analytics';
import { api } from '../../api/client';
import { useSearchState } from '../../lib/use-search-state';

export type { AnalyticsSettings, Cohorts, Commerce, Funnel } from '@pond/contracts/analytics';

export type Filters = Record<string, string | undefined>;

/** Period, store, staff, channel and the page's own choices (`by`, `touch`, `unit`, `kind`) from the URL. */
export function useFilters(keys: readonly string[]): [Filters, (patch: Filters) => void] {
  const search = useSearchState();
  const { get } = search;
  const values = useMemo(() => Object.fromEntries(['from', 'to', 'storeId', 'userid', 'channel', ...keys].map((k) => [k, get(k)])), [get, keys]);
  return [values, (patch) => search.update(patch, { keepPage: true })];
}

const clean = (f: Filters) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;

export function useFunnel(f: Filters) {
  return useQuery({
    queryKey: ['analytics', 'funnel', f], queryFn: ({ signal }) => api.get<Funnel>('/analytics/funnel', clean(f), signal),
    // After the stage definitions change, ask again until the rollups carry them.
    refetchInterval: (q) => (q.state.data?.rebuilding ? 3000 : false),
  });
}
export function useCohorts(f: Filters) {
  return useQuery({ queryKey: ['analytics', 'cohorts', f], queryFn: ({ signal }) => api.get<Cohorts>('/analytics/cohorts', clean(f), signal) });
}
export function useCommerce(f: Filters) {
  return useQuery({ queryKey: ['analytics', 'commerce', f], queryFn: ({ signal }) => api.get<Commerce>('/analytics/commerce', clean(f), signal) });
}
export function useChannels() {
  return useQuery({ queryKey: ['analytics', 'channels'], queryFn: ({ signal }) => api.get<{ items: string[] }>('/analytics/channels', undefined, signal) });
}

export function useStageSettings() {
  return useQuery({ queryKey: ['analytics', 'settings'], queryFn: ({ signal }) => api.get<AnalyticsSettings>('/analytics/settings', undefined, signal) });
}
/** Saves the stage definitions; the funnel then shows `rebuilding` until the rollups are rebuilt with them. */
export function useSaveStageSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AnalyticsSettings) => api.put<AnalyticsSettings>('/analytics/settings', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['analytics'] }),
  });
}
