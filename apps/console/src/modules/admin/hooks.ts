// Users, API tokens and the audit log (admin only on the server); every type is the API's (@pond/contracts/admin).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ApiToken, ApiTokenList, AuditActionList, AuditPage, AuditQuery, CreatedToken, Invitation, InviteInput, Member, MemberList, TokenInput, UserPatch,
} from '@pond/contracts/admin';
import { api } from '../../api/client';

export type { ApiToken, AuditAction, AuditEntry, Bilingual, Invitation, InviteInput, Member, UserPatch } from '@pond/contracts/admin';

const usersKey = ['admin', 'users'] as const;
const tokensKey = ['admin', 'tokens'] as const;

export function useUsers() {
  return useQuery({
    queryKey: usersKey,
    queryFn: ({ signal }) => api.get<MemberList>('/users', undefined, signal),
  });
}

/** Invites a user: the answer carries the link to hand to them (shown once; a new one can be made). */
export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: InviteInput) => api.post<Invitation>('/users', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}

/** A new invitation link for a user who has not accepted (the previous link stops working). */
export function useRenewInvitation() {
  return useMutation({
    mutationFn: (id: Member['id']) => api.post<Invitation>(`/users/${id}/invitation`),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: Member['id']; patch: UserPatch }) => api.patch<Member>(`/users/${id}`, patch),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}

export function useRemoveUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: Member['id']) => api.delete<{ ok: true }>(`/users/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}

export function useTokens() {
  return useQuery({
    queryKey: tokensKey,
    queryFn: ({ signal }) => api.get<ApiTokenList>('/tokens', undefined, signal),
  });
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: TokenInput) => api.post<CreatedToken>('/tokens', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKey }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: ApiToken['id']) => api.delete<{ ok: true }>(`/tokens/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKey }),
  });
}

/** Every action the log records: the filter's choices. */
export function useAuditActions() {
  return useQuery({
    queryKey: ['admin', 'audit', 'actions'],
    queryFn: ({ signal }) => api.get<AuditActionList>('/audit/actions', undefined, signal),
    staleTime: Infinity,
  });
}

export function useAudit(query: AuditQuery) {
  return useQuery({
    queryKey: ['admin', 'audit', query],
    queryFn: ({ signal }) => api.get<AuditPage>('/audit', { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}
