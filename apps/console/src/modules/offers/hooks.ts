// Offers (coupon campaigns and limited-time offers, group-buy, bargain): created and edited here, published, paused
// and ended through the campaigns' shared status route; the detail reads the numbers, the daily series and the
// group-buys or bargains with their members (docs/api.md "Offers").
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CampaignListItem as CampaignListItemSchema, CampaignStatus } from '@pond/contracts/activate';
import type { OfferDetail, OfferKind } from '@pond/contracts/offers';
import type { z } from 'zod';
import type { BargainPage, GroupbuyPage } from '@pond/contracts/offers';
import { api, type Page } from '../../api/client';

export type { CampaignStatus, OfferDetail, OfferKind };
export type CampaignListItem = z.infer<typeof CampaignListItemSchema>;
export type GroupbuyList = z.infer<typeof GroupbuyPage>;
export type BargainList = z.infer<typeof BargainPage>;

const key = ['offers'] as const;

export function useOffers(kind: OfferKind, page: number, pageSize: number) {
  return useQuery({
    queryKey: [...key, 'list', kind, page, pageSize],
    queryFn: ({ signal }) => api.get<Page<CampaignListItem>>('/campaigns', { kind, limit: pageSize, offset: (page - 1) * pageSize }, signal),
  });
}

export function useOffer(id: number) {
  return useQuery({ queryKey: [...key, 'one', id], queryFn: ({ signal }) => api.get<OfferDetail>(`/offers/${id}`, undefined, signal), refetchInterval: 30_000 });
}

export function useGroupbuys(id: number, enabled: boolean, page: number) {
  return useQuery({
    queryKey: [...key, 'groupbuys', id, page], enabled,
    queryFn: ({ signal }) => api.get<GroupbuyList>(`/offers/${id}/groupbuys`, { limit: 20, offset: (page - 1) * 20 }, signal),
  });
}

export function useBargains(id: number, enabled: boolean, page: number) {
  return useQuery({
    queryKey: [...key, 'bargains', id, page], enabled,
    queryFn: ({ signal }) => api.get<BargainList>(`/offers/${id}/bargains`, { limit: 20, offset: (page - 1) * 20 }, signal),
  });
}

export type OfferInput = Record<string, unknown>;

export function useSaveOffer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, kind, body }: { id?: number; kind: OfferKind; body: OfferInput }) =>
      id ? api.patch<OfferDetail>(`/offers/${id}`, body) : api.post<OfferDetail>(`/offers/${kind}`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
}

export function useSetStatus() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status }: { id: number; status: CampaignStatus }) => api.post(`/campaigns/${id}/status`, { status }),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
}
