// Referral programmes (分销): the list (GET /campaigns?kind=referral), one programme with its numbers, referrers,
// commission, payouts, create / edit, payouts and status changes (docs/api.md "Referral commission").
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CampaignListItem, CampaignStatus } from '@pond/contracts/activate';
import type {
  Commission as CommissionSchema, CommissionState, CreatePayoutsResult, CreateReferralBody, Payout as PayoutSchema, ReferralProgramme as ProgrammeSchema,
  Referrer as ReferrerSchema, UpdateReferralBody,
} from '@pond/contracts/referrals';
import { api, apiUrl, type Page } from '../../api/client';

export type ReferralListItem = z.input<typeof CampaignListItem>;
export type Programme = z.input<typeof ProgrammeSchema>;
export type Referrer = z.input<typeof ReferrerSchema>;
export type Commission = z.input<typeof CommissionSchema>;
export type Payout = z.input<typeof PayoutSchema>;
export type CreateBody = z.input<typeof CreateReferralBody>;
export type UpdateBody = z.input<typeof UpdateReferralBody>;
export type { CampaignStatus, CommissionState };

const key = ['referrals'] as const;
const paged = (q: { page: number; pageSize: number }) => ({ limit: q.pageSize, offset: (q.page - 1) * q.pageSize });

export function useReferralProgrammes(query: { status?: CampaignStatus; page: number; pageSize: number }) {
  return useQuery({
    queryKey: [...key, 'list', query],
    queryFn: ({ signal }) => api.get<Page<ReferralListItem>>('/campaigns', { kind: 'referral', status: query.status, ...paged(query) }, signal),
  });
}

export function useProgramme(id: number | null) {
  return useQuery({
    queryKey: [...key, 'one', id],
    queryFn: ({ signal }) => api.get<Programme>(`/referrals/${id}`, undefined, signal),
    enabled: id !== null,
    refetchInterval: 60_000,
  });
}

export function useReferrers(id: number, q: { page: number; pageSize: number }, enabled: boolean) {
  return useQuery({ queryKey: [...key, 'referrers', id, q], queryFn: ({ signal }) => api.get<Page<Referrer>>(`/referrals/${id}/referrers`, paged(q), signal), enabled });
}

export function useCommissions(id: number, q: { state?: CommissionState; page: number; pageSize: number }, enabled: boolean) {
  return useQuery({
    queryKey: [...key, 'commissions', id, q],
    queryFn: ({ signal }) => api.get<Page<Commission>>(`/referrals/${id}/commissions`, { state: q.state, ...paged(q) }, signal),
    enabled,
  });
}

export function usePayouts(id: number, q: { page: number; pageSize: number }, enabled: boolean) {
  return useQuery({ queryKey: [...key, 'payouts', id, q], queryFn: ({ signal }) => api.get<Page<Payout>>(`/referrals/${id}/payouts`, paged(q), signal), enabled });
}

function useReferralMutation<I, O>(fn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export const useCreateProgramme = () => useReferralMutation((body: CreateBody) => api.post<Programme>('/referrals', body));
export const useUpdateProgramme = () => useReferralMutation(({ id, body }: { id: number; body: UpdateBody }) => api.patch<Programme>(`/referrals/${id}`, body));
export const useSetStatus = () => useReferralMutation(({ id, status }: { id: number; status: CampaignStatus }) => api.post(`/campaigns/${id}/status`, { status }));
export const useCreatePayouts = () => useReferralMutation((id: number) => api.post<z.input<typeof CreatePayoutsResult>>(`/referrals/${id}/payouts`, {}));

export const payoutsCsvUrl = (id: number) => apiUrl(`/referrals/${id}/payouts.csv`);
