// Customers (external contacts), their follow relations, groups and event timeline.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, type ItemList, type Page } from '../../api/client';

export type FollowStatus = 'active' | 'deleted_by_staff' | 'deleted_by_customer' | 'transferred';

export interface CustomerListItem {
  externalUserid: string;
  name: string;
  avatar: string | null;
  type: number;
  gender: number;
  corpName: string | null;
  tagIds: string[];
  follows: { userid: string; staffName: string | null; addedAt: string | null; remark: string | null; status: FollowStatus }[];
  firstAddedAt: string | null;
}

export interface Customer {
  externalUserid: string;
  name: string;
  avatar: string | null;
  type: number;
  gender: number;
  unionid: string | null;
  corpName: string | null;
  corpFullName?: string | null;
  position?: string | null;
  firstAddedAt?: string | null;
}

export interface Follow {
  userid: string;
  staffName: string | null;
  remark: string | null;
  description: string | null;
  remarkMobiles: string[] | null;
  addWay: number | null;
  state: string | null;
  tagIds: string[];
  addedAt: string | null;
  status: FollowStatus;
  deletedAt: string | null;
}

export interface CustomerGroup {
  chatId: string;
  name: string | null;
  joinTime: string | null;
  joinScene: number | null;
  leftAt: string | null;
  quitScene?: number | null;
}

export interface CustomerEvent {
  id: number | string;
  type: string;
  occurredAt: string;
  userid: string | null;
  staffName: string | null;
  chatId: string | null;
  data: Record<string, unknown> | null;
}

export interface CustomerDetail {
  customer: Customer;
  follows: Follow[];
  groups: CustomerGroup[];
  timeline: CustomerEvent[];
}

export interface CustomerQuery {
  q?: string;
  tagIds?: string[];
  userid?: string;
  storeId?: string;
  channel?: string;
  page: number;
  pageSize: number;
}

export function useCustomers(query: CustomerQuery) {
  return useQuery({
    queryKey: ['customers', 'list', query],
    queryFn: ({ signal }) => api.get<Page<CustomerListItem>>('/customers', { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCustomer(externalUserid: string) {
  return useQuery({
    queryKey: ['customers', 'detail', externalUserid],
    queryFn: ({ signal }) => api.get<CustomerDetail>(`/customers/${encodeURIComponent(externalUserid)}`, undefined, signal),
  });
}

export const TIMELINE_PAGE = 50;
/** The detail call returns only the newest events; a shorter list than this is taken as complete. */
export const TIMELINE_MORE_THRESHOLD = 20;

/** Older events after the ones the detail call returned, a page at a time. */
export function useOlderEvents(externalUserid: string, before: CustomerEvent['id'] | undefined) {
  return useInfiniteQuery({
    queryKey: ['customers', 'timeline', externalUserid, before],
    enabled: false, // fetched on "load more" only
    initialPageParam: before,
    queryFn: ({ pageParam, signal }) =>
      api.get<ItemList<CustomerEvent>>(
        `/customers/${encodeURIComponent(externalUserid)}/timeline`,
        { before: pageParam, limit: TIMELINE_PAGE },
        signal,
      ),
    getNextPageParam: (last) => (last.items.length < TIMELINE_PAGE ? undefined : last.items[last.items.length - 1]?.id),
  });
}
