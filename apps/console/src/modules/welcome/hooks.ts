// Welcome messages (欢迎语): templates chosen code > staff > default, their preview, and the record of
// every send (sent, failed with WeCom's errcode, or skipped) — failures are shown, never retried.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ItemList, type Page } from '../../api/client';

export type WelcomeScope = 'default' | 'staff' | 'code';
export const WELCOME_SCOPES: readonly WelcomeScope[] = ['default', 'staff', 'code'];
export type TemplateStatus = 'active' | 'archived';

export const PLACEHOLDERS = ['nickname', 'staff', 'channel', 'store'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const TEXT_MAX_BYTES = 4000;
export const MAX_ATTACHMENTS = 9;

/** WeCom's attachment shape; `coupon` is input only (the server stores and sends it as a link). */
export interface Attachment {
  msgtype: 'image' | 'link' | 'miniprogram' | 'video' | 'file' | 'coupon';
  image?: { media_id?: string; pic_url?: string };
  link?: { title?: string; url?: string; desc?: string; picurl?: string };
  coupon?: { title?: string; url?: string; desc?: string; picurl?: string };
  miniprogram?: { title?: string; pic_media_id?: string; appid?: string; page?: string };
  video?: { media_id?: string };
  file?: { media_id?: string };
}

export interface WelcomeTemplate {
  id: number;
  name: string;
  scope: WelcomeScope;
  userids: string[];
  text: string;
  attachments: Attachment[];
  status: TemplateStatus;
  createdAt: string;
  updatedAt: string;
}

export interface TemplateInput {
  name: string;
  scope: WelcomeScope;
  userids: string[];
  text: string;
  attachments: Attachment[];
}

export interface WelcomePreview {
  text: string;
  attachments: Attachment[];
  bytes: number;
  truncated: boolean;
  vars: Record<string, string>;
}

export type SendStatus = 'sent' | 'failed' | 'skipped' | 'unknown';
export const SEND_STATUSES: readonly SendStatus[] = ['sent', 'failed', 'skipped', 'unknown'];

export interface WelcomeSend {
  id: number;
  inboxId: number;
  externalUserid: string;
  customerName: string | null;
  userid: string;
  staffName: string | null;
  templateId: number | null;
  templateName: string | null;
  codeId: number | null;
  codeName: string | null;
  status: SendStatus;
  errcode: number | null;
  error: string | null;
  /** Sent, as settled after an interrupted attempt (WeCom answered 41051 to a second call: the first was delivered). */
  reconciled: boolean;
  receivedAt: string;
  sentAt: string;
  latencyMs: number | null;
}

export interface SendQuery {
  codeId?: string;
  status?: string;
  page: number;
  pageSize: number;
}

const templatesKey = ['welcome-templates'] as const;

export function useWelcomeTemplates(filter: { scope?: WelcomeScope; status?: TemplateStatus } = {}) {
  return useQuery({
    queryKey: [...templatesKey, filter],
    queryFn: ({ signal }) => api.get<ItemList<WelcomeTemplate>>('/welcome-templates', { ...filter }, signal),
  });
}

function useTemplateWrite<Input, Output>(write: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: templatesKey }),
  });
}

export function useCreateTemplate() {
  return useTemplateWrite((input: TemplateInput) => api.post<WelcomeTemplate>('/welcome-templates', input));
}

export function useUpdateTemplate() {
  return useTemplateWrite(({ id, input }: { id: number; input: TemplateInput }) =>
    api.patch<WelcomeTemplate>(`/welcome-templates/${encodeURIComponent(id)}`, input),
  );
}

export function useArchiveTemplate() {
  return useTemplateWrite((id: number) => api.delete<WelcomeTemplate>(`/welcome-templates/${encodeURIComponent(id)}`));
}

/**
 * The template as the customer would get it, with sample values. A query rather than a mutation:
 * it runs as the content changes, and an invalid draft shows its message in the preview instead of
 * a toast.
 */
export function useWelcomePreview(content: Partial<TemplateInput> | null) {
  return useQuery({
    queryKey: ['welcome-preview', content],
    queryFn: () => api.post<WelcomePreview>('/welcome-templates/preview', content),
    enabled: content !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 60_000,
  });
}

export function useWelcomeSends(query: SendQuery) {
  return useQuery({
    queryKey: ['welcome-sends', query],
    queryFn: ({ signal }) => api.get<Page<WelcomeSend>>('/welcome-sends', { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}
