// Channel live codes (渠道活码): staff codes, group codes and store-routing codes, their numbers by
// day and by channel, and the printable assets. Downloads are plain links: the session cookie
// authenticates them, so the browser saves the file itself.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl, type Page, type Query } from '../../api/client';

export type LiveCodeKind = 'staff' | 'group' | 'store';
export const LIVE_CODE_KINDS: readonly LiveCodeKind[] = ['staff', 'group', 'store'];
export type Strategy = 'round_robin' | 'weighted' | 'random';
export const STRATEGIES: readonly Strategy[] = ['round_robin', 'weighted', 'random'];
export type CodeMode = 'pond' | 'native';
export type CodeStatus = 'active' | 'archived';

export interface Slot {
  start: string;
  end: string;
}

export interface WorkSchedule {
  timezone: string;
  /** day 0 = Sunday … 6 = Saturday; end exclusive; a slot may not cross midnight. */
  weekly: (Slot & { day: number })[];
  exceptions: { date: string; closed?: boolean; slots?: Slot[] }[];
}

export interface PoolMember {
  userid: string;
  name: string;
  weight: number;
  dailyCap: number | null;
  totalCap: number | null;
  /** Active in WeCom and holding this code's contact way. */
  available: boolean;
  qrUrl: string | null;
  backup: boolean;
}

export type CodeGroupStatus = 'waiting' | 'active' | 'full' | 'removed';

export interface CodeGroup {
  chatId: string;
  position: number;
  status: CodeGroupStatus | string;
  name: string;
  memberCount: number;
}

export interface CodeNumbers {
  scansToday: number;
  scansTotal: number;
  addsToday: number;
  addsTotal: number;
  retainedTotal: number;
}

export interface LiveCode {
  id: number;
  key: string;
  /** The permanent landing URL the printed QR encodes. */
  url: string;
  kind: LiveCodeKind;
  name: string;
  channel: string;
  storeId: number | null;
  mode: CodeMode;
  strategy: Strategy;
  lockEnabled: boolean;
  skipVerify: boolean;
  tagIds: string[];
  remarkTemplate: string | null;
  description: string | null;
  welcomeId: number | null;
  schedule: WorkSchedule | null;
  backupUserids: string[];
  state: string;
  status: CodeStatus;
  groupCap: number;
  groupAutoCreate: boolean;
  groupBaseName: string | null;
  groupWelcomeTemplateId: string | null;
  wecomQrUrl: string | null;
  createdAt: string;
  pool: PoolMember[];
  groups: CodeGroup[];
  numbers?: CodeNumbers;
}

export interface PoolInput {
  userid: string;
  weight: number;
  dailyCap: number | null;
  totalCap: number | null;
}

/** The body of POST /api/live-codes (PATCH takes the same without kind and mode): the code's editable fields. */
export type LiveCodeInput = Pick<
  LiveCode,
  | 'kind' | 'name' | 'channel' | 'storeId' | 'mode' | 'strategy' | 'lockEnabled' | 'skipVerify' | 'tagIds' | 'remarkTemplate'
  | 'description' | 'welcomeId' | 'schedule' | 'backupUserids' | 'groupCap' | 'groupAutoCreate' | 'groupBaseName' | 'groupWelcomeTemplateId'
> & { pool?: PoolInput[]; groupChatIds?: string[] };

export interface DayStats {
  date: string;
  scans: number;
  visitors: number;
  adds: number;
  deletes1d: number;
  deletes7d: number;
  net1d: number;
  net7d: number;
  groupJoins: number;
  welcomeSent: number;
  welcomeFailed: number;
  /** adds / visitors, 0–1; null without visitors. */
  conversion: number | null;
}

export type TotalStats = Omit<DayStats, 'date'>;

export interface CodeStats {
  from: string;
  to: string;
  days: DayStats[];
  total: TotalStats;
}

export interface ChannelStats {
  from: string;
  to: string;
  channels: { channel: string; days: DayStats[]; total: TotalStats }[];
}

export interface PosterIssue {
  rule: string;
  severity: 'error' | 'warn';
  /** "中文 / English". */
  message: string;
}

export interface PosterOptions {
  title?: string;
  subtitle?: string;
  body?: string;
  background?: string;
  accent?: string;
  textColor?: string;
}

export interface DateRange {
  from?: string;
  to?: string;
}

export interface LiveCodeQuery {
  kind: LiveCodeKind;
  status: CodeStatus;
  q?: string;
  page: number;
  pageSize: number;
}

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
  return useCodeWrite(({ id, input }: { id: number; input: Omit<LiveCodeInput, 'kind' | 'mode'> }) => api.patch<LiveCode>(codeUrl(id), input));
}

export function useArchiveLiveCode() {
  return useCodeWrite((id: number) => api.post<{ ok: true }>(codeUrl(id, '/archive')));
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
  poster: (id: number, poster: PosterOptions = {}) => apiUrl(codeUrl(id, '/poster.png'), { ...poster } as Query),
  statsCsv: (id: number, range: DateRange) => apiUrl(codeUrl(id, '/stats.csv'), { ...range }),
  channelCsv: (range: DateRange) => apiUrl('/channel-stats', { ...range, format: 'csv' }),
};
