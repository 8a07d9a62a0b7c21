// Users, API tokens and the audit log (admin only on the server).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ItemList, type Page } from '../../api/client';
import type { Role } from '../auth/hooks';

export interface User {
  id: number | string;
  username: string;
  displayName: string;
  role: Role;
  storeIds: (number | string)[];
  staffUserid: string | null;
  /** `invited` until the person accepts with the invitation link. */
  status: 'active' | 'invited';
  /** Disabled in this corp (or the account itself is disabled). */
  disabled?: boolean;
}

/** An invitation: no password — the invited person sets it (or proves their existing account's) with the link. */
export interface UserInput {
  username: string;
  displayName: string;
  role: Role;
  storeIds?: (number | string)[];
  staffUserid?: string;
}

/** What inviting answers: the user, and the link to hand to them (shown once; a new one can be made). */
export interface Invitation extends User {
  inviteUrl: string;
  inviteExpiresAt: string;
}

export type UserPatch = Partial<Omit<UserInput, 'username' | 'staffUserid'>> & { staffUserid?: string | null; disabled?: boolean; password?: string };

export interface ApiToken {
  id: number | string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Bilingual { zh: string; en: string }

export interface AuditEntry {
  id: number | string;
  /** user | token | sidebar | anonymous */
  actorType: string;
  actorName: string | null;
  /** `live_code.update`; `actionLabel` says it in words (null for an entry older than its route). */
  action: string;
  actionLabel: Bilingual | null;
  /** "PATCH /api/live-codes/:id" */
  route: string | null;
  target: { type: string | null; id: string | null; label: Bilingual | null; name: string | null } | null;
  detail: unknown;
  ip: string | null;
  createdAt: string;
}

export interface AuditAction { action: string; label: Bilingual | null }

const usersKey = ['admin', 'users'] as const;
const tokensKey = ['admin', 'tokens'] as const;

export function useUsers() {
  return useQuery({
    queryKey: usersKey,
    queryFn: ({ signal }) => api.get<ItemList<User>>('/users', undefined, signal),
  });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UserInput) => api.post<Invitation>('/users', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}

/** A new invitation link for a user who has not accepted (the previous link stops working). */
export function useRenewInvitation() {
  return useMutation({
    mutationFn: (id: User['id']) => api.post<Invitation>(`/users/${encodeURIComponent(String(id))}/invitation`),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: User['id']; patch: UserPatch }) => api.patch<User>(`/users/${encodeURIComponent(String(id))}`, patch),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}

export function useRemoveUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: User['id']) => api.delete<{ ok: true }>(`/users/${encodeURIComponent(String(id))}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}

export function useTokens() {
  return useQuery({
    queryKey: tokensKey,
    queryFn: ({ signal }) => api.get<ItemList<ApiToken>>('/tokens', undefined, signal),
  });
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; role: Role; storeIds?: (number | string)[] }) =>
      api.post<{ id: ApiToken['id']; token: string }>('/tokens', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKey }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: ApiToken['id']) => api.delete<{ ok: true }>(`/tokens/${encodeURIComponent(String(id))}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKey }),
  });
}

/** Every action the log records: the filter's choices. */
export function useAuditActions() {
  return useQuery({
    queryKey: ['admin', 'audit', 'actions'],
    queryFn: ({ signal }) => api.get<ItemList<AuditAction>>('/audit/actions', undefined, signal),
    staleTime: Infinity,
  });
}

export function useAudit(query: { action?: string; page: number; pageSize: number }) {
  return useQuery({
    queryKey: ['admin', 'audit', query],
    queryFn: ({ signal }) => api.get<Page<AuditEntry>>('/audit', { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}
