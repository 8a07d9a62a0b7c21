import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

export interface OverviewCounts {
  customers: number;
  follows: number;
  staff: number;
  stores: number;
  groups: number;
  groupMembers: number;
  tags: number;
}

export interface DailyChange {
  date: string;
  adds: number;
  deletes: number;
  net: number;
}

export interface Overview {
  counts: OverviewCounts;
  daily: DailyChange[];
}

export function useOverview() {
  return useQuery({
    queryKey: ['overview'],
    queryFn: ({ signal }) => api.get<Overview>('/overview', undefined, signal),
  });
}
