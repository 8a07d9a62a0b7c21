// Moments (客户朋友圈): composed here, posted by staff in WeCom; the server issues each once, follows who posted, which
// customers can see each post, likes and comments (docs/api.md "Moments").
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MediaAsset } from '@pond/contracts/media';
import type {
  Moment, MomentDetail, MomentInput, MomentInteraction, MomentPreview, MomentPreviewInput, MomentListQuery, MomentStatus, MomentOrigin, InteractionKind,
} from '@pond/contracts/moments';
import { MOMENT_LIMITS } from '@pond/contracts/moments';
import { api, type ItemList, type Page } from '../../api/client';

export type { InteractionKind, MediaAsset, Moment, MomentDetail, MomentInput, MomentInteraction, MomentOrigin, MomentPreview, MomentStatus };
export { MOMENT_LIMITS };

const key = ['moments'] as const;

/** Moments whose results are still coming in are read again while the page is open. */
const live = (m: Pick<Moment, 'status'>) => m.status === 'scheduled' || m.status === 'issuing' || m.status === 'issued';

export function useMoments(query: Pick<MomentListQuery, 'status' | 'origin'> & { page: number; pageSize: number }) {
  return useQuery({
    queryKey: [...key, 'list', query],
    queryFn: ({ signal }) => api.get<Page<Moment>>('/moments', {
      status: query.status, origin: query.origin, limit: query.pageSize, offset: (query.page - 1) * query.pageSize,
    }, signal),
    refetchInterval: (q) => (q.state.data?.items.some((m) => m.status === 'issuing') ? 5_000 : false),
  });
}

export function useMoment(id: number) {
  return useQuery({
    queryKey: [...key, 'one', id],
    queryFn: ({ signal }) => api.get<MomentDetail>(`/moments/${id}`, undefined, signal),
    refetchInterval: (q) => (q.state.data && live(q.state.data) ? 30_000 : false),
  });
}

export function useMomentInteractions(id: number, query: { kind?: InteractionKind; page: number; pageSize: number }) {
  return useQuery({
    queryKey: [...key, 'interactions', id, query],
    queryFn: ({ signal }) => api.get<Page<MomentInteraction>>(`/moments/${id}/interactions`, {
      kind: query.kind, limit: query.pageSize, offset: (query.page - 1) * query.pageSize,
    }, signal),
  });
}

function useMomentMutation<I, O>(fn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export const useCreateMoment = () => useMomentMutation((input: MomentInput) => api.post<Moment>('/moments', input));
export const usePreviewMoment = () => useMutation({ mutationFn: (input: MomentPreviewInput) => api.post<MomentPreview>('/moments/preview', input) });
export const usePublishMoment = () => useMomentMutation((id: number) => api.post<Moment>(`/moments/${id}/publish`));
export const useCancelMoment = () => useMomentMutation((id: number) => api.post<Moment>(`/moments/${id}/cancel`));
export const useRemindMoment = () => useMomentMutation((id: number) => api.post<{ reminded: number }>(`/moments/${id}/remind`));
export const useRefreshMoment = () => useMomentMutation((id: number) => api.post<MomentDetail>(`/moments/${id}/refresh`));
export const useSyncMoments = () => useMomentMutation((days: number) => api.post<{ read: number; added: number }>('/moments/sync', { days }));

/** The media library (the corp's latest 200 uploads). */
export function useMediaLibrary() {
  return useQuery({
    queryKey: ['media'],
    queryFn: ({ signal }) => api.get<ItemList<MediaAsset>>('/media', undefined, signal),
  });
}
