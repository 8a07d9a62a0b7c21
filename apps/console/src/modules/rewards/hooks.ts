// The reward ledger, a customer's rewards, and reward payout settings (the shop's webhook, WeChat Pay).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CustomerRewards as CustomerRewardsSchema, Reward as RewardSchema, RewardDetail as RewardDetailSchema, RewardListQuery, RewardSettings as RewardSettingsSchema, RewardSettingsBody } from '@pond/contracts/rewards';
import { api, apiUrl, type Page, type UrlQuery } from '../../api/client';

export type { RewardSettingsBody } from '@pond/contracts/rewards';
/** As the API sends them (times as ISO strings). */
export type Reward = z.input<typeof RewardSchema>;
export type RewardDetail = z.input<typeof RewardDetailSchema>;
export type CustomerRewards = z.input<typeof CustomerRewardsSchema>;
export type RewardSettings = z.input<typeof RewardSettingsSchema>;
export type RewardQuery = UrlQuery<RewardListQuery>;

const base = ['rewards'] as const;

export function useRewards(query: RewardQuery) {
  return useQuery({ queryKey: [...base, 'list', query], queryFn: ({ signal }) => api.get<Page<Reward>>('/rewards', query, signal) });
}

export const rewardsCsvUrl = (query: RewardQuery) => apiUrl('/rewards/export', { ...query, page: undefined, pageSize: undefined });

export function useReward(id: number | null) {
  return useQuery({ queryKey: [...base, 'one', id], enabled: id !== null, queryFn: ({ signal }) => api.get<RewardDetail>(`/rewards/${id}`, undefined, signal) });
}

export function useCustomerRewards(externalUserid: string) {
  return useQuery({ queryKey: [...base, 'customer', externalUserid], queryFn: ({ signal }) => api.get<CustomerRewards>(`/customers/${encodeURIComponent(externalUserid)}/rewards`, undefined, signal) });
}

/** retry · issued (mark a manual one issued, with a note) · void (with a reason). */
export function useRewardAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, text }: { id: number; action: 'retry' | 'issued' | 'void'; text?: string }) =>
      api.post<RewardDetail>(`/rewards/${id}/${action}`, action === 'void' ? { reason: text } : action === 'issued' ? (text ? { note: text } : {}) : {}),
    onSuccess: (r) => {
      queryClient.setQueryData([...base, 'one', r.id], r);
      void queryClient.invalidateQueries({ queryKey: [...base, 'list'] });
    },
  });
}

const settingsKey = ['settings', 'rewards'] as const;

export function useRewardSettings(enabled = true) {
  return useQuery({ queryKey: settingsKey, enabled, queryFn: ({ signal }) => api.get<RewardSettings>('/settings/rewards', undefined, signal) });
}

export function useUpdateRewardSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RewardSettingsBody) => api.put<RewardSettings & { webhookSecret?: string }>('/settings/rewards', body),
    onSuccess: (s) => queryClient.setQueryData(settingsKey, s),
  });
}

export function useRegenerateRewardSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<{ secret: string }>('/settings/rewards/webhook-secret'),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKey }),
  });
}
