// Fission paths (裂变路径): the list with each path's funnel steps, one path with its funnel by day and figures, the
// sign-up submissions, the wizard's create, edits of the landing page and form, and status changes.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  CreateFissionPath, FissionForm, FissionLanding, FissionModel, FissionPath as PathOut, FissionPathDetail as PathDetailOut, FissionStatus, FissionStep, FormField,
} from '@pond/contracts/fission';
import type { InviteConfig } from '@pond/contracts/invites';
import { api } from '../../api/client';

/** What JSON makes of a contract's output type: instants are ISO strings. */
type Jsonified<T> = T extends Date ? string : T extends (infer U)[] ? Jsonified<U>[] : T extends object ? { [K in keyof T]: Jsonified<T[K]> } : T;
export type FissionPath = Jsonified<PathOut>;
export type FissionPathDetail = Jsonified<PathDetailOut>;
export type { FissionForm, FissionLanding, FissionModel, FissionStatus, FissionStep, FormField, InviteConfig };
export type FissionPathItem = FissionPath & { steps: FissionStep[] };
export interface Submission { id: number; externalUserid: string; customerName: string | null; answers: Record<string, string>; submittedAt: string; joinedGroupAt: string | null }
export interface CodeOption { id: number; name: string; kind: string }
/** An existing campaign a model's step may link (the server's rules: kind, config, not ended, in no path). */
export interface EligibleCampaign { id: number; kind: 'invite' | 'checkin'; name: string; status: 'draft' | 'active' | 'paused'; startsAt: string; endsAt: string | null; participants: number; summary: string }

/** The wizard's body as the server takes it (contracts' input: defaults may be left out). */
type WithTimes<U> = U extends unknown ? Omit<U, 'startsAt' | 'endsAt'> & { startsAt: string; endsAt: string | null } : never;
export type CreateBody = WithTimes<CreateFissionPath>;

const key = ['fission'] as const;

export const usePaths = (model?: FissionModel) => useQuery({
  queryKey: [...key, 'list', model ?? null],
  queryFn: ({ signal }) => api.get<{ items: FissionPathItem[] }>('/fission/paths', { model, limit: 100 }, signal),
});
export const usePath = (id: number) => useQuery({
  queryKey: [...key, id], queryFn: ({ signal }) => api.get<FissionPathDetail>(`/fission/paths/${id}`, undefined, signal),
  refetchInterval: 15_000,
});
export const useSubmissions = (id: number, page: { limit: number; offset: number }, enabled: boolean) => useQuery({
  queryKey: [...key, id, 'submissions', page], queryFn: ({ signal }) => api.get<{ items: Submission[]; total: number }>(`/fission/paths/${id}/submissions`, page, signal),
  placeholderData: keepPreviousData, enabled,
});
/** Active live codes of a kind, for the wizard's pickers. */
export const useCodes = (kind: 'staff' | 'group') => useQuery({
  queryKey: ['live-codes', 'list', { kind, pageSize: 200 }],
  queryFn: ({ signal }) => api.get<{ items: CodeOption[]; total: number }>('/live-codes', { kind, pageSize: 200 }, signal),
});

/** The campaigns a model's campaign step may link (the wizard's and the edit modal's 选择已有). */
export const useEligible = (model: FissionModel, enabled = true) => useQuery({
  queryKey: [...key, 'eligible', model],
  queryFn: ({ signal }) => api.get<{ step: 'invite' | 'checkin'; items: EligibleCampaign[] }>('/fission/eligible', { model }, signal),
  enabled,
});

function useWrite<Input, Output>(write: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: key });
      await queryClient.invalidateQueries({ queryKey: ['invites'] });
      await queryClient.invalidateQueries({ queryKey: ['campaigns'] });
    },
  });
}
export const useCreatePath = () => useWrite((body: CreateBody) => api.post<FissionPath>('/fission/paths', body));
export interface UpdateBody {
  name?: string; landing?: FissionLanding; form?: FissionForm;
  /** A draft path's re-links. */
  invite?: { campaignId: number }; checkin?: { campaignId: number }; groupCodeId?: number;
}
export const useUpdatePath = (id: number) => useWrite((body: UpdateBody) => api.patch<FissionPath>(`/fission/paths/${id}`, body));
export const useSetPathStatus = () => useWrite(({ id, status }: { id: number; status: FissionStatus }) => api.post<FissionPath>(`/fission/paths/${id}/status`, { status }));
