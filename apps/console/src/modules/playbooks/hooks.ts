// Playbooks (SOP): definitions, their enrolments and runs, the step funnel and completion by staff, the next sends.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  EnrolInput, EnrolResult, GroupAudience, Playbook, PlaybookExit, PlaybookInput, PlaybookKind, PlaybookPatch, PlaybookStats, PlaybookStatus,
  PlaybookStep, PlaybookTriggerInput, ReentryPolicy, RunStatus, SchedulePreview, SchedulePreviewInput, StepDelivery, StepSchedule,
} from '@pond/contracts/playbooks';
import { ENROL_MAX, EXIT_TYPES, PLAYBOOK_STATUSES, REENTRY_POLICIES, REPEATS, RUN_STATUSES, STEP_DELIVERIES, TRIGGER_TYPES } from '@pond/contracts/playbooks';
import type { ContentInput } from '@pond/contracts/content';
import { api, type ItemList, type Page } from '../../api/client';

export { ENROL_MAX, EXIT_TYPES, PLAYBOOK_STATUSES, REENTRY_POLICIES, REPEATS, RUN_STATUSES, STEP_DELIVERIES, TRIGGER_TYPES };
export type {
  EnrolResult, GroupAudience, Playbook, PlaybookExit, PlaybookInput, PlaybookKind, PlaybookStats, PlaybookStatus, PlaybookStep, PlaybookTriggerInput,
  ReentryPolicy, RunStatus, StepDelivery, StepSchedule, ContentInput,
};

export interface PlaybookSummary {
  id: number; kind: PlaybookKind; name: string; status: PlaybookStatus; triggerType: string | null; stepCount: number;
  enrolments: { active: number; completed: number; exited: number }; sent: number; delivered: number; updatedAt: string;
}
export interface Run {
  id: number; stepId: number; stepName: string; delivery: StepDelivery; targetKind: 'customer' | 'group'; targetId: string; targetName: string | null;
  ownerUserid: string | null; ownerName: string | null; dueAt: string; sendAt: string | null; status: RunStatus; reason: string | null; late: boolean;
  sentAt: string | null; taskId: number | null;
}
export interface Enrolment {
  id: number; externalUserid: string; customerName: string | null; ownerUserid: string; ownerName: string | null; status: 'active' | 'completed' | 'exited';
  source: 'trigger' | 'manual' | 'csv'; exitReason: string | null; enrolledAt: string; endedAt: string | null; sent: number; steps: number;
}
export interface UpcomingSend {
  at: string; stepId: number; stepName: string; delivery: StepDelivery; targetKind: 'customer' | 'group'; targetId: string; targetName: string | null;
  ownerUserid: string | null; ownerName: string | null;
}

const key = ['playbooks'] as const;

export function usePlaybooks(filter: { kind?: PlaybookKind; status?: PlaybookStatus } = {}) {
  return useQuery({ queryKey: [...key, 'list', filter], queryFn: ({ signal }) => api.get<ItemList<PlaybookSummary>>('/playbooks', { ...filter }, signal) });
}

export function usePlaybook(id: number | undefined) {
  return useQuery({
    queryKey: [...key, id],
    queryFn: ({ signal }) => api.get<Playbook>(`/playbooks/${id}`, undefined, signal),
    enabled: id !== undefined,
  });
}

function useWrite<Input, Output>(write: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: write, onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export const useCreatePlaybook = () => useWrite((input: PlaybookInput) => api.post<Playbook>('/playbooks', input));
export const useUpdatePlaybook = () => useWrite(({ id, patch }: { id: number; patch: PlaybookPatch }) => api.patch<Playbook>(`/playbooks/${id}`, patch));
export const usePlaybookAction = () =>
  useWrite(({ id, action }: { id: number; action: 'activate' | 'pause' | 'archive' }) =>
    action === 'archive' ? api.delete<Playbook>(`/playbooks/${id}`) : api.post<Playbook>(`/playbooks/${id}/${action}`));
export const useEnrol = () => useWrite(({ id, input }: { id: number; input: EnrolInput }) => api.post<EnrolResult>(`/playbooks/${id}/enrolments`, input));
export const useExit = () => useWrite(({ id, externalUserids }: { id: number; externalUserids: string[] }) => api.post<{ exited: number }>(`/playbooks/${id}/exit`, { externalUserids }));

export function usePlaybookStats(id: number) {
  return useQuery({ queryKey: [...key, id, 'stats'], queryFn: ({ signal }) => api.get<PlaybookStats>(`/playbooks/${id}/stats`, undefined, signal), refetchInterval: 30_000 });
}

export function useRuns(id: number, q: { status?: RunStatus; stepId?: number; limit: number; offset: number }) {
  return useQuery({
    queryKey: [...key, id, 'runs', q], placeholderData: keepPreviousData,
    queryFn: ({ signal }) => api.get<Page<Run>>(`/playbooks/${id}/runs`, { ...q }, signal),
  });
}

export function useEnrolments(id: number, q: { status?: string; limit: number; offset: number }) {
  return useQuery({
    queryKey: [...key, id, 'enrolments', q], placeholderData: keepPreviousData,
    queryFn: ({ signal }) => api.get<Page<Enrolment>>(`/playbooks/${id}/enrolments`, { ...q }, signal),
  });
}

export function useUpcoming(id: number, limit = 20) {
  return useQuery({ queryKey: [...key, id, 'upcoming', limit], queryFn: ({ signal }) => api.get<ItemList<UpcomingSend>>(`/playbooks/${id}/upcoming`, { limit }, signal) });
}

/** When unsaved steps would go out (the builder's preview). */
export function useSchedulePreview(input: SchedulePreviewInput | null) {
  return useQuery({
    queryKey: [...key, 'schedule-preview', input], placeholderData: keepPreviousData, enabled: !!input,
    queryFn: () => api.post<SchedulePreview>('/playbooks/schedule-preview', input),
  });
}
