// Referral programmes (分销): one programme with its numbers, referrers, commission, payouts, create / edit and payouts
// (the list and the status changes are the shared campaign pieces in modules/campaigns; docs/api.md "Referral commission").
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CampaignStatus } from '@pond/contracts/activate';
import type {
  Commission as CommissionSchema, CommissionState, CreatePayoutsResult, CreateReferralBody, Payout as PayoutSchema, ReferralProgramme as ProgrammeSchema,
  Referrer as ReferrerSchema, UpdateReferralBody,
} from '@pond/contracts/referrals';
import { api, apiUrl, type Page } from '../../api/client';

export type Programme = z.input<typeof ProgrammeSchema>;
export type Referrer = z.input<typeof ReferrerSchema>;
export type Commission = z.input<typeof CommissionSchema>;
export type Payout = z.input<typeof PayoutSchema>;
export type CreateBody = z.input<typeof CreateReferralBody>;
export type UpdateBody = z.input<typeof UpdateReferralBody>;
export type { CampaignStatus, CommissionState };

/** The referral programmes' query key root (their list is the shared campaigns list, kind referral: modules/campaigns). */
export const REFERRALS_KEY = ['referrals'] as const;
const key = REFERRALS_KEY;
const paged = (q: { page: number; pageSize: number }) => ({ limit: q.pageSize, offset: (q.page - 1) * q.pageSize });

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
export const useCreatePayouts = () => useReferralMutation((id: number) => api.post<z.input<typeof CreatePayoutsResult>>(`/referrals/${id}/payouts`, {}));

export const payoutsCsvUrl = (id: number) => apiUrl(`/referrals/${id}/payouts.csv`);
