// Who is signed in, in which corp, with which role — and the calls that change that.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LoginInput, Me, SwitchCorpInput } from '@pond/contracts/auth';
import { api } from '../../api/client';

export { ROLES } from '@pond/contracts/auth';
export type { Me, Role } from '@pond/contracts/auth';

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
    mutationFn: (input: LoginInput) => api.post<Me>('/auth/login', input),
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
    mutationFn: (corpId: SwitchCorpInput['corpId']) => api.post<Me>('/me/corp', { corpId } satisfies SwitchCorpInput),
    onSuccess: async (me) => {
      queryClient.setQueryData(meKey, me);
      // Every other cached answer belongs to the previous corp.
      await queryClient.resetQueries({ predicate: (query) => query.queryKey[0] !== meKey[0] });
    },
  });
}
