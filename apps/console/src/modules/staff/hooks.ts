// Staff, stores and departments (the server's `org` domain, read side).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { DepartmentList, StaffListQuery, StaffPage, StoreList } from '@pond/contracts/org';
import { api, type UrlQuery } from '../../api/client';

export type { Department, Store, StaffMember as Staff } from '@pond/contracts/org';

/** The list's filters as the page keeps them (the URL's values): the query's fields, sent as text. */
export type StaffQuery = UrlQuery<StaffListQuery>;

export function useStaffList(query: StaffQuery, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['staff', query],
    queryFn: ({ signal }) => api.get<StaffPage>('/staff', { ...query }, signal),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function useStores() {
  return useQuery({
    queryKey: ['stores'],
    queryFn: ({ signal }) => api.get<StoreList>('/stores', undefined, signal),
    staleTime: 5 * 60_000,
  });
}

export function useDepartments() {
  return useQuery({
    queryKey: ['departments'],
    queryFn: ({ signal }) => api.get<DepartmentList>('/departments', undefined, signal),
    staleTime: 5 * 60_000,
  });
}

/** Store id (as a string) → name, for showing the store ids users and tokens carry. */
export function useStoreNames(): Map<string, string> {
  const stores = useStores();
  return useMemo(() => new Map((stores.data?.items ?? []).map((s) => [String(s.id), s.name])), [stores.data]);
}

/** Userid → name for the first 200 staff, to name the userids templates and codes carry. */
export function useStaffNames(): Map<string, string> {
  const staff = useStaffList({ pageSize: 200 });
  return useMemo(() => new Map((staff.data?.items ?? []).map((s) => [s.userid, s.name])), [staff.data]);
}
