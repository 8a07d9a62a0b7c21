// Moderation: rules per tier, violations, offenders, WeCom's intercept rules, and the tiers' persona / rules / slots.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  GroupProfile, GroupProfileInput, InterceptRule, InterceptRuleInput, ModerationRuleInput, ModerationRuleSet, Offender, Violation,
} from '@pond/contracts/moderation';
import { api, type ItemList, type Page } from '../../api/client';

export type RuleSet = z.input<typeof ModerationRuleSet>;
export type OffenderRow = z.input<typeof Offender>;
export type Rule = z.input<typeof InterceptRule>;
export type { GroupProfile, Violation };
const key = ['moderation'] as const;

export const useRuleSets = () => useQuery({ queryKey: [...key, 'rules'], queryFn: ({ signal }) => api.get<ItemList<RuleSet>>('/moderation/rules', undefined, signal) });
export const useViolations = () => useQuery({ queryKey: [...key, 'violations'], queryFn: ({ signal }) => api.get<Page<Violation>>('/moderation/violations', { limit: 200 }, signal) });
export const useOffenders = (enabled: boolean) => useQuery({ enabled, queryKey: [...key, 'offenders'], queryFn: ({ signal }) => api.get<Page<OffenderRow>>('/moderation/offenders', { limit: 200 }, signal) });
export const useInterceptRules = (enabled: boolean) => useQuery({
  enabled, queryKey: [...key, 'intercept'], queryFn: ({ signal }) => api.get<ItemList<Pick<Rule, 'ruleId' | 'name' | 'createdAt'>>>('/moderation/intercept-rules', undefined, signal),
});
export const useProfiles = () => useQuery({ queryKey: [...key, 'profiles'], queryFn: ({ signal }) => api.get<ItemList<GroupProfile>>('/group-profiles', undefined, signal) });

function useWrite<I, O>(write: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: write, onSuccess: () => qc.invalidateQueries({ queryKey: key }) });
}
export const useSaveRuleSet = () => useWrite((input: ModerationRuleInput) => api.put<RuleSet>('/moderation/rules', input));
export const usePardon = () => useWrite((ext: string) => api.post<{ ok: true }>(`/moderation/offenders/${encodeURIComponent(ext)}/pardon`));
export const useAddInterceptRule = () => useWrite((input: InterceptRuleInput) => api.post<Rule>('/moderation/intercept-rules', input));
export const useDeleteInterceptRule = () => useWrite((ruleId: string) => api.delete<{ ok: true }>(`/moderation/intercept-rules/${encodeURIComponent(ruleId)}`));
export const useSaveProfile = () => useWrite((input: GroupProfileInput) => api.put<GroupProfile>('/group-profiles', input));
export const useGenerateCalendar = () => useWrite((tier: string) => api.post<{ playbookId: number; steps: number }>('/group-profiles/calendar', { tier }));
