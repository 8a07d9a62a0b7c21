// Customer groups (客户群) and their members.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Page } from '../../api/client';

export interface GroupListItem {
  chatId: string;
  name: string | null;
  ownerUserid: string | null;
  ownerName: string | null;
  memberCount: number;
  customerCount: number;
  createdAt: string | null;
  status: 'active' | 'dismissed';
  notice: string | null;
  tier?: string | null;
  labels?: string[] | null;
  persona?: string | null;
  rulesText?: string | null;
  announcementTemplate?: string | null;
}

/** WeCom's member type: 1 = corp member (staff), 2 = external contact (customer). */
export type MemberType = 1 | 2 | 'staff' | 'customer';

export interface GroupMember {
  memberId: string;
  type: MemberType;
  name: string | null;
  groupNickname: string | null;
  joinTime: string | null;
  joinScene: number | null;
  invitor: string | null;
  leftAt: string | null;
  quitScene?: number | null;
  state?: string | null;
}

export interface GroupDetail {
  group: GroupListItem & { adminUserids?: string[]; storeId?: number | string | null; dismissedAt?: string | null };
  members: GroupMember[];
}

export interface GroupQuery {
  q?: string;
  owner?: string;
  status?: string;
  tier?: string;
  label?: string;
  page: number;
  pageSize: number;
}

export function isStaffMember(member: GroupMember): boolean {
  return member.type === 1 || member.type === 'staff';
}

export function useGroups(query: GroupQuery) {
  return useQuery({
    queryKey: ['groups', 'list', query],
    queryFn: ({ signal }) => api.get<Page<GroupListItem>>('/groups', { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useGroup(chatId: string) {
  return useQuery({
    queryKey: ['groups', 'detail', chatId],
    queryFn: ({ signal }) => api.get<GroupDetail>(`/groups/${encodeURIComponent(chatId)}`, undefined, signal),
  });
}

export interface GroupTiers {
  tiers: { tier: string; groups: number; members: number }[];
  labels: { label: string; groups: number }[];
}

/** Tiers and labels in use, with group counts (filter options and the tier picker). */
export function useGroupTiers() {
  return useQuery({
    queryKey: ['groups', 'tiers'],
    queryFn: ({ signal }) => api.get<GroupTiers>('/group-tiers', undefined, signal),
    staleTime: 60_000,
  });
}

export interface GroupProfileInput {
  tier?: string | null;
  labels?: string[];
  persona?: string | null;
  rulesText?: string | null;
  announcementTemplate?: string | null;
}

export function useUpdateGroup(chatId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: GroupProfileInput) => api.patch<GroupListItem>(`/groups/${encodeURIComponent(chatId)}`, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['groups'] }),
  });
}
