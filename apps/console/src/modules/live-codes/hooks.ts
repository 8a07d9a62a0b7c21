// Channel live codes (渠道活码): staff codes, group codes and store-routing codes, their numbers by
// day and by channel, and the printable assets. Downloads are plain links: the session cookie
// authenticates them, so the browser saves the file itself.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  LIVE_CODE_KINDS, LIVE_CODE_STRATEGIES, POOL_MAX,
  type AcquisitionQuota, type AcquisitionSettings, type ChannelStats, type CodeStats, type LiveCode, type LiveCodeInput, type LiveCodeKind,
  type LiveCodeListQuery, type LiveCodePatch, type PosterIssue, type PosterOptions, type DateRange,
} from '@pond/contracts/live-codes';
import { api, apiUrl, type Page } from '../../api/client';

// The API's types, from the contracts (pages import them from here).
export type {
  AcquisitionLink, AcquisitionQuota, AcquisitionSettings, LinkStatus, QuotaState, ChannelStats, CodeGroup, CodeGroupStatus, CodeMode, CodeNumbers, CodeStats, CodeStatus, DateRange, DayStats, LiveCode, LiveCodeInput,
  LiveCodeKind, PoolInput, PoolMember, PosterIssue, PosterOptions, Slot, Strategy, TotalStats, WorkSchedule,
} from '@pond/contracts/live-codes';
export { LIVE_CODE_KINDS, POOL_MAX };
export const STRATEGIES = LIVE_CODE_STRATEGIES;

/** The list's query as the console sends it: a page of one kind's tab. */
export type LiveCodeQuery = Omit<LiveCodeListQuery, 'page' | 'pageSize'> & { kind: LiveCodeKind; page: number; pageSize: number };

/** The console's list, on the tab of the given kind. */
export function listPath(kind: LiveCodeKind): string {
  return kind === 'staff' ? '/live-codes' : `/live-codes?kind=${kind}`;
}

const codeUrl = (id: number, rest = '') => `/live-codes/${encodeURIComponent(id)}${rest}`;

export function useLiveCodes(query: LiveCodeQuery) {
  return useQuery({
    queryKey: ['live-codes', 'list', query],
    queryFn: ({ signal }) => api.get<Page<LiveCode>>('/live-codes', { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useLiveCode(id: number | undefined) {
  return useQuery({
    queryKey: ['live-codes', 'detail', id],
    queryFn: ({ signal }) => api.get<LiveCode>(codeUrl(id!), undefined, signal),
    enabled: id !== undefined && Number.isFinite(id),
  });
}

function useCodeWrite<Input, Output>(write: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['live-codes'] }),
  });
}

export function useCreateLiveCode() {
  return useCodeWrite((input: LiveCodeInput) => api.post<LiveCode>('/live-codes', input));
}

export function useUpdateLiveCode() {
  return useCodeWrite(({ id, input }: { id: number; input: LiveCodePatch }) => api.patch<LiveCode>(codeUrl(id), input));
}

export function useArchiveLiveCode() {
  return useCodeWrite((id: number) => api.post<{ ok: true }>(codeUrl(id, '/archive')));
}

/** Saves the code unchanged: a link mode code's acquisition link is brought in line (remade if WeCom deleted it). */
export function useResyncLink() {
  return useCodeWrite((id: number) => api.patch<LiveCode>(codeUrl(id), {}));
}

/** The corp's acquisition-link quota, read from WeCom (writers only). */
export function useAcquisitionQuota(enabled: boolean) {
  return useQuery({
    queryKey: ['live-codes', 'acquisition-quota'],
    queryFn: ({ signal }) => api.get<AcquisitionQuota>('/acquisition-links/quota', undefined, signal),
    enabled,
  });
}

export function useAcquisitionSettings(enabled = true) {
  return useQuery({
    queryKey: ['live-codes', 'acquisition-settings'],
    queryFn: ({ signal }) => api.get<AcquisitionSettings>('/acquisition-links/settings', undefined, signal),
    enabled,
  });
}

export function useUpdateAcquisitionSettings() {
  return useCodeWrite((input: AcquisitionSettings) => api.put<AcquisitionSettings>('/acquisition-links/settings', input));
}

export function useCodeStats(id: number | undefined, range: DateRange) {
  return useQuery({
    queryKey: ['live-codes', 'stats', id, range],
    queryFn: ({ signal }) => api.get<CodeStats>(codeUrl(id!, '/stats'), { ...range }, signal),
    enabled: id !== undefined && Number.isFinite(id),
    placeholderData: keepPreviousData,
  });
}

export function useChannelStats(range: DateRange) {
  return useQuery({
    queryKey: ['channel-stats', range],
    queryFn: ({ signal }) => api.get<ChannelStats>('/channel-stats', { ...range }, signal),
    placeholderData: keepPreviousData,
  });
}

export function usePosterCheck(id: number, poster: PosterOptions) {
  return useQuery({
    queryKey: ['live-codes', 'poster-check', id, poster],
    queryFn: ({ signal }) => api.get<{ issues: PosterIssue[] }>(codeUrl(id, '/poster-check'), { ...poster }, signal),
    placeholderData: keepPreviousData,
  });
}

// ---- links the browser opens or downloads itself ----------------------------------------------

/** 1181 px is 10 cm at 300 dpi, the server's print default. */
export const QR_PRINT_PX = 1181;

export const links = {
  qrPng: (id: number, size?: number) => apiUrl(codeUrl(id, '/qr.png'), { size }),
  qrSvg: (id: number, sizeMm?: number) => apiUrl(codeUrl(id, '/qr.svg'), { sizeMm }),
  poster: (id: number, poster: PosterOptions = {}) => apiUrl(codeUrl(id, '/poster.png'), { ...poster }),
  statsCsv: (id: number, range: DateRange) => apiUrl(codeUrl(id, '/stats.csv'), { ...range }),
  channelCsv: (range: DateRange) => apiUrl('/channel-stats', { ...range, format: 'csv' }),
};
