// The chat archive (docs/api.md "Chat archive"): search, a customer's and a group's messages (pages of 50, older by
// `before`), the cursor and a manual pull for admins.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { ArchiveMessageList, ArchivePullResult, ArchiveSettings, ArchivedMessageView } from '@pond/contracts/archive';
import { api } from '../../api/client';

export type Message = z.input<typeof ArchivedMessageView>;
type List = z.input<typeof ArchiveMessageList>;
export type SearchFilter = { q?: string; scope?: 'group' | 'private'; type?: string };

function usePages(key: unknown[], path: string, query: Record<string, string | undefined>, enabled = true) {
  return useInfiniteQuery({
    queryKey: ['archive', ...key, query],
    enabled,
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam, signal }) => api.get<List>(path, { ...query, limit: 50, before: pageParam }, signal),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    // A file still downloading shows once it is there.
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.items.some((m) => m.media?.status === 'pending')) ? 10_000 : false),
  });
}

export const useArchiveSearch = (f: SearchFilter) => usePages(['search'], '/archive/messages', { q: f.q || undefined, scope: f.scope, type: f.type });
export const useCustomerMessages = (externalUserid: string) => usePages(['customer', externalUserid], `/customers/${encodeURIComponent(externalUserid)}/messages`, {});
export const useGroupMessages = (chatId: string) => usePages(['group', chatId], `/groups/${encodeURIComponent(chatId)}/messages`, {});

export function useArchiveSettings(enabled: boolean) {
  return useQuery({ queryKey: ['archive', 'settings'], enabled, queryFn: ({ signal }) => api.get<z.input<typeof ArchiveSettings>>('/archive/settings', undefined, signal) });
}

export function usePullNow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<z.input<typeof ArchivePullResult>>('/archive/pull'),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['archive'] }),
  });
}
