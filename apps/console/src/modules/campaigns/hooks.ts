// What every campaign kind's console pages share with the server: the one list route (GET /campaigns?kind=…), typed
// by the contracts' CampaignListItem, and the one status route (POST /campaigns/:id/status). Each kind passes its
// query key root, so a status change refreshes that kind's list and detail.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CampaignKind, CampaignListItem, CampaignStatus } from '@pond/contracts/activate';
import { api, type Page } from '../../api/client';

export type { CampaignKind, CampaignStatus };
/** One row of GET /campaigns, as the wire carries it (dates as ISO strings). */
export type CampaignRow = z.input<typeof CampaignListItem>;
/** What the status pieces need of a campaign. */
export type CampaignRef = Pick<CampaignRow, 'id' | 'status'>;
/** A kind's query key root (['lotteries'], ['checkins'], …): everything under it is refreshed after a change. */
export type CampaignQueryKey = readonly string[];

export function useCampaignList(kind: CampaignKind, queryKey: CampaignQueryKey, query: { status?: CampaignStatus; page: number; pageSize: number }) {
  return useQuery({
    queryKey: [...queryKey, 'list', kind, query],
    queryFn: ({ signal }) => api.get<Page<CampaignRow>>('/campaigns', {
      kind, status: query.status, limit: query.pageSize, offset: (query.page - 1) * query.pageSize,
    }, signal),
  });
}

export function useSetCampaignStatus(queryKey: CampaignQueryKey) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status }: { id: number; status: CampaignStatus }) => api.post(`/campaigns/${id}/status`, { status }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey }),
  });
}
