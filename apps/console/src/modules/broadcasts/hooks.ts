// Broadcasts (群发): list, compose, preview with the contact budget, send, remind, cancel, results.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  Broadcast, BroadcastDetail, BroadcastInput, BroadcastListQuery, BroadcastPatch, BroadcastPreview, BroadcastPreviewInput, BroadcastSendInput,
} from '@pond/contracts/broadcasts';
import type { z } from 'zod';
import type { BroadcastTargetRow } from '@pond/contracts/broadcasts';
import { api, type Page, type UrlQuery } from '../../api/client';

export type { Broadcast, BroadcastDetail, BroadcastInput, BroadcastPreview, BroadcastPreviewInput };
export type BroadcastTarget = z.input<typeof BroadcastTargetRow>;

const key = ['broadcasts'] as const;

export function useBroadcasts(query: UrlQuery<BroadcastListQuery>) {
  return useQuery({ queryKey: [...key, 'list', query], queryFn: ({ signal }) => api.get<Page<Broadcast>>('/broadcasts', query, signal), placeholderData: keepPreviousData });
}

export function useBroadcast(id: number) {
  return useQuery({
    queryKey: [...key, 'one', id],
    queryFn: ({ signal }) => api.get<BroadcastDetail>(`/broadcasts/${id}`, undefined, signal),
    // While it is going out, results arrive as staff confirm.
    refetchInterval: (q) => (q.state.data && ['planning', 'sending', 'scheduled'].includes(q.state.data.status) ? 5000 : false),
  });
}

export function useBroadcastTargets(id: number, query: { status?: string; limit: number; offset: number }) {
  return useQuery({
    queryKey: [...key, 'targets', id, query],
    queryFn: ({ signal }) => api.get<Page<BroadcastTarget>>(`/broadcasts/${id}/targets`, query, signal),
    placeholderData: keepPreviousData,
  });
}

export function usePreviewBroadcast() {
  return useMutation({ mutationFn: (input: BroadcastPreviewInput) => api.post<BroadcastPreview>('/broadcasts/preview', input) });
}

function useWrite<I, O>(write: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: write, onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export const useCreateBroadcast = () => useWrite((input: BroadcastInput) => api.post<Broadcast>('/broadcasts', input));
export const useUpdateBroadcast = () => useWrite(({ id, ...patch }: BroadcastPatch & { id: number }) => api.patch<Broadcast>(`/broadcasts/${id}`, patch));
export const useSendBroadcast = () => useWrite(({ id, ...body }: BroadcastSendInput & { id: number }) => api.post<Broadcast>(`/broadcasts/${id}/send`, body));
export const useCancelBroadcast = () => useWrite((id: number) => api.post<Broadcast>(`/broadcasts/${id}/cancel`));
export const useRemindBroadcast = () => useWrite((id: number) => api.post<{ reminded: number }>(`/broadcasts/${id}/remind`));
export const useDeleteBroadcast = () => useWrite((id: number) => api.delete<{ ok: true }>(`/broadcasts/${id}`));
