// Customer groups (客户群) and their members.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
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
