// Staff, stores and departments (the server's `org` domain, read side).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, type ItemList, type Page } from '../../api/client';

export interface Staff {
  userid: string;
  name: string;
  avatar: string | null;
  position: string | null;
  departmentIds: number[];
  storeId: number | string | null;
  storeName: string | null;
  status: number;
  isFollowUser: boolean;
  customerCount: number;
}

export interface Store {
  id: number | string;
  name: string;
  code: string | null;
  departmentId: number | null;
  city: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  phone?: string | null;
  staffCount: number;
}

export interface Department {
  id: number;
  name: string;
  parentId: number | null;
  order: number;
}

export interface StaffQuery {
  q?: string;
  storeId?: string;
  departmentId?: string;
  status?: string;
  page?: number;
  pageSize?: number;
}

export function useStaffList(query: StaffQuery, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['staff', query],
    queryFn: ({ signal }) => api.get<Page<Staff>>('/staff', { ...query }, signal),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function useStores() {
  return useQuery({
    queryKey: ['stores'],
    queryFn: ({ signal }) => api.get<ItemList<Store>>('/stores', undefined, signal),
    staleTime: 5 * 60_000,
  });
}

export function useDepartments() {
  return useQuery({
    queryKey: ['departments'],
    queryFn: ({ signal }) => api.get<ItemList<Department>>('/departments', undefined, signal),
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
