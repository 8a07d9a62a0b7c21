// Planned red-packet rules (定时红包): the list (GET /campaigns?kind=redpacket), one rule with its numbers and rounds,
// create / edit, and status changes (docs/api.md "Red packets").
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CampaignListItem, CampaignStatus } from '@pond/contracts/activate';
import type { RedpacketCampaignBody, RedpacketDetail as DetailSchema, RedpacketPatch } from '@pond/contracts/redpackets';
import { api, type Page } from '../../api/client';

export type RedpacketListItem = z.input<typeof CampaignListItem>;
export type RedpacketDetail = z.input<typeof DetailSchema>;
export type CreateBody = z.input<typeof RedpacketCampaignBody>;
export type PatchBody = z.input<typeof RedpacketPatch>;
export type { CampaignStatus };

const key = ['redpackets'] as const;

export function useRedpackets(query: { status?: CampaignStatus; page: number; pageSize: number }) {
  return useQuery({
    queryKey: [...key, 'list', query],
    queryFn: ({ signal }) => api.get<Page<RedpacketListItem>>('/campaigns', {
      kind: 'redpacket', status: query.status, limit: query.pageSize, offset: (query.page - 1) * query.pageSize,
    }, signal),
  });
}

export function useRedpacket(id: number | null) {
  return useQuery({
    queryKey: [...key, 'one', id],
    queryFn: ({ signal }) => api.get<RedpacketDetail>(`/redpackets/${id}`, undefined, signal),
    enabled: id !== null,
    refetchInterval: 30_000,
  });
}

function useWrite<I, O>(fn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export const useCreateRedpacket = () => useWrite((body: CreateBody) => api.post<RedpacketDetail>('/redpackets', body));
export const useUpdateRedpacket = () => useWrite(({ id, body }: { id: number; body: PatchBody }) => api.patch<RedpacketDetail>(`/redpackets/${id}`, body));
export const useSetStatus = () => useWrite(({ id, status }: { id: number; status: CampaignStatus }) => api.post(`/campaigns/${id}/status`, { status }));
