// The contact budget (触达规则) and each customer's contact ledger.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BudgetState, ContactPolicy, ContactPolicyInput, LedgerEntry } from '@pond/contracts/governance';
import { api, type Page } from '../../api/client';

export type { BudgetState, ContactPolicy, ContactPolicyInput, LedgerEntry };

const key = ['governance'] as const;

export function usePolicy() {
  return useQuery({ queryKey: [...key, 'policy'], queryFn: ({ signal }) => api.get<ContactPolicy>('/governance/policy', undefined, signal) });
}

export function useSavePolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ContactPolicyInput) => api.put<ContactPolicy>('/governance/policy', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useLedger(externalUserid: string, page: number, pageSize: number) {
  return useQuery({
    queryKey: [...key, 'ledger', externalUserid, page, pageSize],
    queryFn: ({ signal }) => api.get<Page<LedgerEntry>>(`/customers/${encodeURIComponent(externalUserid)}/contacts`, { limit: pageSize, offset: (page - 1) * pageSize }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useBudget(externalUserid: string) {
  return useQuery({ queryKey: [...key, 'budget', externalUserid], queryFn: ({ signal }) => api.get<BudgetState>(`/customers/${encodeURIComponent(externalUserid)}/budget`, undefined, signal) });
}
