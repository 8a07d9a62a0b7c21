import { useQuery } from '@tanstack/react-query';
import type { Overview } from '@pond/contracts/overview';
import { api } from '../../api/client';

export type { DailyChange, Overview, OverviewCounts, OverviewOrders } from '@pond/contracts/overview';

export function useOverview() {
  return useQuery({
    queryKey: ['overview'],
    queryFn: ({ signal }) => api.get<Overview>('/overview', undefined, signal),
  });
}
