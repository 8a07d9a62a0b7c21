// Invite campaigns (任务宝 / 群裂变): one campaign with its numbers, participants (the leaderboard), credits and the
// review queue, create / edit (the list and the status changes are the shared campaign pieces in modules/campaigns).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CampaignStatus } from '@pond/contracts/activate';
import type { CreditStatus, InviteConfig, InviteRule } from '@pond/contracts/invites';
import { api } from '../../api/client';

export type { CampaignStatus, CreditStatus, InviteConfig, InviteRule };

export interface Numbers { participants: number; rewards: number; costFen: number; orders: number; gmvFen: number }
export interface Invite { id: number; name: string; status: CampaignStatus; startsAt: string; endsAt: string | null; rules: string; pageUrl: string; config: InviteConfig;
  budgetTotalFen: number | null; budgetDailyFen: number | null; rewardsPerCustomer: number | null }
export interface InviteDetail extends Invite {
  numbers: Numbers & {
    scanned: number; invitees: number; pending: number; review: number; credited: number; voided: number; activeParticipants: number; kFactor: number;
    costPerNewFen: number | null; tiers: { friends: number; title: string; reached: number }[]; voidReasons: { reason: string; n: number }[];
  };
}
export interface Participant { externalUserid: string; name: string | null; userid: string | null; credited: number; pending: number; voided: number; tiersReached: number; joinedAt: string }
export interface Credit {
  id: number; inviterExternalUserid: string; inviterName: string | null; inviteeExternalUserid: string; inviteeName: string | null; kind: 'add' | 'group';
  status: CreditStatus; reason: string | null; flags: string[]; ip: string | null; eventAt: string; holdUntil: string; decidedBy: string | null; decidedAt: string | null;
}
export interface InviteBody {
  name: string; startsAt: string; endsAt: string | null; rules: string; budgetTotalFen: number | null; rewardsPerCustomer: number | null;
  config: Omit<InviteConfig, 'antiFraud'> & { antiFraud: InviteConfig['antiFraud'] };
}

/** The invite campaigns' query key root (their list is the shared campaigns list, kind invite: modules/campaigns). */
export const INVITES_KEY = ['invites'] as const;
const key = INVITES_KEY;
export const useInvite = (id: number | null) => useQuery({
  queryKey: [...key, id], queryFn: ({ signal }) => api.get<InviteDetail>(`/invites/${id}`, undefined, signal), enabled: id !== null,
});
export const useParticipants = (id: number, page: { limit: number; offset: number }) => useQuery({
  queryKey: [...key, id, 'participants', page], queryFn: ({ signal }) => api.get<{ items: Participant[]; total: number }>(`/invites/${id}/participants`, page, signal),
  placeholderData: keepPreviousData,
});
export const useCredits = (id: number, q: { status?: CreditStatus; limit: number; offset: number }) => useQuery({
  queryKey: [...key, id, 'credits', q], queryFn: ({ signal }) => api.get<{ items: Credit[]; total: number }>(`/invites/${id}/credits`, q, signal),
  placeholderData: keepPreviousData,
});

function useWrite<Input, Output>(write: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: write, onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}
export const useCreateInvite = () => useWrite((body: InviteBody) => api.post<Invite>('/invites', body));
export const useUpdateInvite = (id: number) => useWrite((body: Partial<InviteBody>) => api.patch<Invite>(`/invites/${id}`, body));
export const useReview = (id: number) => useWrite(({ creditId, decision }: { creditId: number; decision: 'approve' | 'reject' }) =>
  api.post<Credit>(`/invites/${id}/credits/${creditId}/review`, { decision }));
