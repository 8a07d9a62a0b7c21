// The FAQ library, the questions customers asked (matched, answered, unmatched 未命中问题) and the numbers.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Faq, FaqFromQuestionInput, FaqInput, FaqQuestion, FaqSettings, FaqSettingsInput, FaqStats } from '@pond/contracts/faq';
import { api, type ItemList, type Page } from '../../api/client';

export type { Faq, FaqQuestion, FaqStats, FaqSettings };
const key = ['faq'] as const;

export const useFaqs = () => useQuery({ queryKey: [...key, 'list'], queryFn: ({ signal }) => api.get<ItemList<Faq>>('/faqs', undefined, signal) });
export const useFaqStats = () => useQuery({ queryKey: [...key, 'stats'], queryFn: ({ signal }) => api.get<FaqStats>('/faqs/stats', undefined, signal) });
export const useFaqSettings = () => useQuery({ queryKey: [...key, 'settings'], queryFn: ({ signal }) => api.get<FaqSettings>('/faqs/settings', undefined, signal) });
export const useQuestions = (status: string) => useQuery({
  queryKey: [...key, 'questions', status],
  queryFn: ({ signal }) => api.get<Page<FaqQuestion>>('/faqs/questions', { status: status || undefined, limit: 200 }, signal),
});

function useWrite<I, O>(write: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: write, onSuccess: () => qc.invalidateQueries({ queryKey: key }) });
}
export const useSaveFaq = () => useWrite(({ id, ...input }: FaqInput & { id?: number }) => (id ? api.patch<Faq>(`/faqs/${id}`, input) : api.post<Faq>('/faqs', input)));
export const useDeleteFaq = () => useWrite((id: number) => api.delete<{ ok: true }>(`/faqs/${id}`));
export const useFaqFromQuestion = () => useWrite(({ id, ...input }: FaqFromQuestionInput & { id: number }) => api.post<Faq>(`/faqs/questions/${id}/faq`, input));
export const useDismissQuestion = () => useWrite((id: number) => api.post<FaqQuestion>(`/faqs/questions/${id}/dismiss`));
export const useSaveFaqSettings = () => useWrite((input: FaqSettingsInput) => api.put<FaqSettings>('/faqs/settings', input));
