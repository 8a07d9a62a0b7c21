// Welcome messages (欢迎语): templates chosen code > staff > default, their preview, and the record of
// every send (sent, failed with WeCom's errcode, or skipped) — failures are shown, never retried.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  MAX_ATTACHMENTS,
  PLACEHOLDERS,
  SEND_STATUSES,
  TEXT_MAX_BYTES,
  WELCOME_SCOPES,
  type AttachmentInput,
  type Placeholder,
  type SendListQuery,
  type SendStatus,
  type TemplateInput as TemplateBody,
  type TemplateStatus,
  type WelcomePreview,
  type WelcomeScope,
  type WelcomeSend,
  type WelcomeTemplate,
} from '@pond/contracts/welcome';
import { api, type ItemList, type Page, type UrlQuery } from '../../api/client';

export { MAX_ATTACHMENTS, PLACEHOLDERS, SEND_STATUSES, TEXT_MAX_BYTES, WELCOME_SCOPES };
export type { Placeholder, SendStatus, TemplateStatus, WelcomePreview, WelcomeScope, WelcomeSend, WelcomeTemplate };

/** WeCom's attachment shape as the API takes it; `coupon` is input only (the server stores and sends it as a link). */
export type Attachment = AttachmentInput;

/** What the template form sends: every field given (the server takes the same body for create and update). */
export type TemplateInput = Required<Pick<TemplateBody, 'name' | 'scope' | 'userids' | 'text' | 'attachments'>>;

/** The sends list's filters as the page's URL holds them: strings the server coerces and checks. */
export type SendQuery = UrlQuery<SendListQuery>;

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
