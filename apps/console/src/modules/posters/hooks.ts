// Poster templates (海报模板) and staff cards (员工名片 / 工牌): list, one template, save, check and preview an unsaved
// design, publish (docs/api.md "Posters").
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  PosterCheck, PosterDesignInput, PosterElementInput, PosterPurpose, PosterTemplate as PosterTemplateSchema, PosterTemplateBody, PosterTemplatePatch,
} from '@pond/contracts/posters';
import { api, apiUrl, ApiError, type ItemList } from '../../api/client';

export type PosterTemplate = z.input<typeof PosterTemplateSchema>;
export type { PosterCheck, PosterDesignInput, PosterElementInput, PosterPurpose };

const key = ['poster-templates'] as const;

export function usePosterTemplates(purpose?: PosterPurpose) {
  return useQuery({
    queryKey: [...key, 'list', purpose ?? null],
    queryFn: ({ signal }) => api.get<ItemList<PosterTemplate>>('/poster-templates', { purpose }, signal),
  });
}

export function usePosterTemplate(id: number | null) {
  return useQuery({
    queryKey: [...key, 'one', id],
    queryFn: ({ signal }) => api.get<PosterTemplate>(`/poster-templates/${id}`, undefined, signal),
    enabled: id !== null,
  });
}

function useTemplateMutation<I, O>(fn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export const useCreateTemplate = () => useTemplateMutation((body: PosterTemplateBody) => api.post<PosterTemplate>('/poster-templates', body));
export const useUpdateTemplate = () =>
  useTemplateMutation(({ id, body }: { id: number; body: PosterTemplatePatch }) => api.patch<PosterTemplate>(`/poster-templates/${id}`, body));
export const usePublishTemplate = () =>
  useTemplateMutation(({ id, acknowledgeWarnings }: { id: number; acknowledgeWarnings: boolean }) =>
    api.post<PosterTemplate>(`/poster-templates/${id}/publish`, { acknowledgeWarnings }));
export const useArchiveTemplate = () => useTemplateMutation((id: number) => api.delete(`/poster-templates/${id}`));

/** The checker's report on the design as it stands (unsaved), refreshed as it changes. */
export function usePosterCheck(design: PosterDesignInput | null) {
  return useQuery({
    queryKey: [...key, 'check', design],
    queryFn: () => api.post<PosterCheck>('/poster-templates/check', design),
    enabled: design !== null,
    retry: false,
    staleTime: 60_000,
  });
}

/** The server's drawing of an unsaved design, as an object URL (revoked by the caller). */
export async function fetchPreview(design: PosterDesignInput): Promise<string> {
  const res = await fetch(apiUrl('/poster-templates/preview.png'), {
    method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(design),
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string; field?: string } };
    throw new ApiError(res.status, body.error?.code ?? 'error', body.error?.message ?? `HTTP ${res.status}`, body.error?.field);
  }
  return URL.createObjectURL(await res.blob());
}

export const cardLinks = {
  card: (userid: string, size: 'badge' | 'a4' | 'poster') => apiUrl(`/posters/staff-cards/${encodeURIComponent(userid)}/card.png`, { size }),
  storeZip: (storeId: number, size: 'badge' | 'a4' | 'poster') => apiUrl(`/posters/stores/${storeId}/staff-cards.zip`, { size }),
};
