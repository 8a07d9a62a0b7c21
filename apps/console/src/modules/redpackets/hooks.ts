// Planned red-packet rules (定时红包): one rule with its numbers and rounds, create / edit (the list and the status
// changes are the shared campaign pieces in modules/campaigns; docs/api.md "Red packets").
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CampaignStatus } from '@pond/contracts/activate';
import type { RedpacketCampaignBody, RedpacketDetail as DetailSchema, RedpacketPatch } from '@pond/contracts/redpackets';
import { api } from '../../api/client';

export type RedpacketDetail = z.input<typeof DetailSchema>;
export type CreateBody = z.input<typeof RedpacketCampaignBody>;
export type PatchBody = z.input<typeof RedpacketPatch>;
export type { CampaignStatus };

/** The red-packet rules' query key root (their list is the shared campaigns list, kind redpacket: modules/campaigns). */
export const REDPACKETS_KEY = ['redpackets'] as const;
const key = REDPACKETS_KEY;

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
