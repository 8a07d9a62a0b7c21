// Offers (coupon campaigns and limited-time offers, group-buy, bargain): created and edited here (listed, published,
// paused and ended through the shared campaign pieces in modules/campaigns); the detail reads the numbers, the daily series and the
// group-buys or bargains with their members (docs/api.md "Offers").
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CampaignStatus } from '@pond/contracts/activate';
import { OFFER_KINDS, type OfferDetail, type OfferKind } from '@pond/contracts/offers';
import type { z } from 'zod';
import type { BargainPage, GroupbuyPage } from '@pond/contracts/offers';
import { api } from '../../api/client';

export { OFFER_KINDS };
export type { CampaignStatus, OfferDetail, OfferKind };
export type GroupbuyList = z.infer<typeof GroupbuyPage>;
export type BargainList = z.infer<typeof BargainPage>;

/** The offers' query key root (their list is the shared campaigns list, one kind a tab: modules/campaigns). */
export const OFFERS_KEY = ['offers'] as const;
const key = OFFERS_KEY;

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
