// Operator alerts (a code with no staff available, a group code whose groups are all full…): the
// header bell polls the unread ones.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Alert } from '@pond/contracts/live-codes';
import { api, type ItemList } from '../../api/client';

export type { Alert };

const alertsKey = ['alerts'] as const;
const POLL_MS = 60_000;

export function useUnreadAlerts() {
  return useQuery({
    queryKey: [...alertsKey, 'unread'],
    queryFn: ({ signal }) => api.get<ItemList<Alert>>('/alerts', { unread: true }, signal),
    refetchInterval: POLL_MS,
    staleTime: POLL_MS / 2,
  });
}

export function useMarkAlertsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (ids: readonly number[]) => {
      for (const id of ids) await api.post<{ ok: true }>(`/alerts/${encodeURIComponent(id)}/read`);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertsKey }),
  });
}
