// Customer groups (客户群) and their members.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Group, GroupDetail, GroupMember, GroupProfileBody, GroupsQuery, GroupTiers } from '@pond/contracts/groups';
import { api, type Page } from '../../api/client';

export type GroupListItem = Group;
export type { GroupDetail, GroupMember, GroupTiers };
/** The list's filters as the URL holds them (the server checks `status`). */
export type GroupQuery = Omit<GroupsQuery, 'status'> & { status?: string };

/** WeCom's member type 1: a corp member (staff); 2: an external contact (customer). */
export function isStaffMember(member: GroupMember): boolean {
  return member.type === 1;
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

/** Tiers and labels in use, with group counts (filter options and the tier picker). */
export function useGroupTiers() {
  return useQuery({
    queryKey: ['groups', 'tiers'],
    queryFn: ({ signal }) => api.get<GroupTiers>('/group-tiers', undefined, signal),
    staleTime: 60_000,
  });
}

export function useUpdateGroup(chatId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: GroupProfileBody) => api.patch<Group>(`/groups/${encodeURIComponent(chatId)}`, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['groups'] }),
  });
}
