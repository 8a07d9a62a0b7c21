// Staff daily stats, the leaderboard, group health and the stats settings (issue 15): reads of /api/staff-stats and
// /api/group-health, the backfill action and the corp's thresholds.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { GroupHealthPage, StaffMetric, StaffStatsPage, StatsSettings } from '@pond/contracts/staff-stats';
import { api, apiUrl, type Query } from '../../api/client';

export { STAFF_METRICS } from '@pond/contracts/staff-stats';
export type { GroupHealthPage, GroupHealthRow, StaffMetric, StaffStatsPage, StaffStatsRow, StatsSettings } from '@pond/contracts/staff-stats';

export interface StaffStatsFilter { from?: string; to?: string; groupBy: 'staff' | 'store' | 'department'; metric: StaffMetric; storeId?: number }

const clean = (q: object): Query => Object.fromEntries(Object.entries(q as Record<string, string | number | undefined>).filter(([, v]) => v !== undefined && v !== ''));

export function useStaffStats(f: StaffStatsFilter) {
  return useQuery({
    queryKey: ['staff-stats', f],
    queryFn: ({ signal }) => api.get<StaffStatsPage>('/staff-stats', clean(f), signal),
  });
}

export const staffStatsCsvUrl = (f: StaffStatsFilter) => apiUrl('/staff-stats.csv', clean(f));

export function useGroupHealth(f: { from?: string; to?: string; flag?: 'silent' | 'dying'; tier?: string }) {
  return useQuery({
    queryKey: ['group-health', f],
    queryFn: ({ signal }) => api.get<GroupHealthPage>('/group-health', clean(f), signal),
  });
}

export function useBackfill() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (days: number) => api.post<{ from: string; to: string; queued: number }>('/staff-stats/backfill', { days }),
    onSuccess: () => { void qc.invalidateQueries({ queryKey: ['staff-stats'] }); },
  });
}

export function useStatsSettings() {
  return useQuery({ queryKey: ['staff-stats-settings'], queryFn: ({ signal }) => api.get<StatsSettings>('/staff-stats/settings', undefined, signal) });
}

export function useUpdateStatsSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<StatsSettings>) => api.put<StatsSettings>('/staff-stats/settings', patch),
    onSuccess: (s) => { qc.setQueryData(['staff-stats-settings'], s); void qc.invalidateQueries({ queryKey: ['group-health'] }); },
  });
}
