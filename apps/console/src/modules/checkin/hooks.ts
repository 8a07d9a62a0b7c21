// Check-in campaigns (签到 / 打卡挑战): one campaign with its numbers, its participants, create / edit (the list and the
// status changes are the shared campaign pieces in modules/campaigns; docs/api.md "Check-in").
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CampaignStatus } from '@pond/contracts/activate';
import type { CheckinCampaign as CheckinCampaignSchema, CheckinParticipant, CheckinConfig as CheckinConfigSchema, CreateCheckinBody, EnrolmentState, UpdateCheckinBody } from '@pond/contracts/checkin';
import { api, type Page } from '../../api/client';

export type Participant = z.input<typeof CheckinParticipant>;
export type CheckinCampaign = z.input<typeof CheckinCampaignSchema>;
export type CheckinConfig = z.input<typeof CheckinConfigSchema>;
export type CreateBody = z.input<typeof CreateCheckinBody>;
export type UpdateBody = z.input<typeof UpdateCheckinBody>;
export type { CampaignStatus, EnrolmentState };

/** The check-ins' query key root (their list is the shared campaigns list, kind checkin: modules/campaigns). */
export const CHECKINS_KEY = ['checkins'] as const;
const key = CHECKINS_KEY;

export function useCheckin(id: number | null) {
  return useQuery({
    queryKey: [...key, 'one', id],
    queryFn: ({ signal }) => api.get<CheckinCampaign>(`/checkins/${id}`, undefined, signal),
    enabled: id !== null,
    refetchInterval: 60_000,
  });
}

export function useParticipants(id: number, query: { state?: EnrolmentState; page: number; pageSize: number }, enabled: boolean) {
  return useQuery({
    queryKey: [...key, 'participants', id, query],
    queryFn: ({ signal }) => api.get<Page<Participant>>(`/checkins/${id}/participants`, {
      state: query.state, limit: query.pageSize, offset: (query.page - 1) * query.pageSize,
    }, signal),
    enabled,
  });
}

function useCheckinMutation<I, O>(fn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export const useCreateCheckin = () => useCheckinMutation((body: CreateBody) => api.post<CheckinCampaign>('/checkins', body));
export const useUpdateCheckin = () => useCheckinMutation(({ id, body }: { id: number; body: UpdateBody }) => api.patch<CheckinCampaign>(`/checkins/${id}`, body));
