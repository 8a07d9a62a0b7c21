// Who is signed in, in which corp, with which role — and the calls that change that.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';

export type Role = 'admin' | 'operator' | 'store_manager' | 'staff';
export const ROLES: readonly Role[] = ['admin', 'operator', 'store_manager', 'staff'];

export interface Me {
  /** `owner`: platform owner (may add corps; granted by the CLI only). */
  user: { id: number | string; username: string; displayName: string; locale: string | null; owner?: boolean };
  /** `timezone`: the corp's IANA zone; every time in the console is shown in it. */
  corp: { id: string; name: string; isDemo: boolean; timezone: string } | null;
  role: Role;
  storeIds: (number | string)[];
  /** The WeCom member a `staff` user is linked to. */
  staffUserid?: string | null;
  corps: { id: string; name: string; role: Role }[];
}

export const meKey = ['me'] as const;

export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: ({ signal }) => api.get<Me>('/me', undefined, signal),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function useIsAdmin(): boolean {
  return useMe().data?.role === 'admin';
}

/** Admins and operators change live codes, welcome messages and stores; other roles only read them. */
export function useCanWrite(): boolean {
  const role = useMe().data?.role;
  return role === 'admin' || role === 'operator';
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { username: string; password: string }) => api.post<Me>('/auth/login', input),
    // The login page shows the message under the form; no toast on top of it.
    meta: { silent: true },
    onSuccess: (me) => {
      queryClient.clear();
      queryClient.setQueryData(meKey, me);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<{ ok: true }>('/auth/logout'),
    onSettled: () => {
      queryClient.clear();
    },
  });
}

export function useSwitchCorp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (corpId: string) => api.post<Me>('/me/corp', { corpId }),
    onSuccess: async (me) => {
      queryClient.setQueryData(meKey, me);
      // Every other cached answer belongs to the previous corp.
      await queryClient.resetQueries({ predicate: (query) => query.queryKey[0] !== meKey[0] });
    },
  });
}
