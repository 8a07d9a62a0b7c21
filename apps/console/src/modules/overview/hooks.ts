import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { RfmBucket } from '../customers/hooks';

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

export interface OverviewOrders {
  buyers: number;
  repeatBuyers: number;
  /** repeat buyers ÷ buyers; null without buyers */
  repurchaseRate: number | null;
  orders: number;
  total: number;
  buckets: Record<RfmBucket, number>;
}

export interface Overview {
  counts: OverviewCounts;
  daily: DailyChange[];
  orders: OverviewOrders;
}

export function useOverview() {
  return useQuery({
    queryKey: ['overview'],
    queryFn: ({ signal }) => api.get<Overview>('/overview', undefined, signal),
  });
}
