// The staff task API as both pages use it: my tasks, the messages of a send task (sendChatMessage payloads
// in order, placeholders filled), done and skip.
import type { ChatMessage } from '@pond/contracts/content';
import type { Task, TaskStatus } from '@pond/contracts/tasks';
import { api, q } from '../api';

export type { Task, TaskStatus };
type Page = { items: Task[]; total: number };
const list = (params: Record<string, string | number | null | undefined>) => api<Page>('GET', `/tasks${q(params)}`);

/** My open tasks (pending and overdue), for a customer or group when given; the most urgent first. */
export async function openTasks(filter: { externalUserid?: string | null; chatId?: string | null } = {}): Promise<Task[]> {
  return (await list({ open: 'true', externalUserid: filter.externalUserid, chatId: filter.chatId, limit: 200 })).items;
}

/**
 * My tasks of one status, the latest due last (the API lists them by due time): the last page, where the
 * ones done today are (a task done today was due before, but rarely behind 200 later-due done tasks).
 */
export async function latestTasks(status: TaskStatus, limit = 200): Promise<Task[]> {
  const { total } = await list({ status, limit: 1 });
  return total ? (await list({ status, limit, offset: Math.max(0, total - limit) })).items : [];
}

export async function taskMessages(id: number): Promise<ChatMessage[]> {
  return (await api<{ items: ChatMessage[] }>('GET', `/tasks/${id}/messages`)).items;
}

export const markDone = (id: number, via: 'sidebar' | 'task_page') => api<Task>('POST', `/tasks/${id}/done`, { via });
export const skipTask = (id: number, reason: string) => api<Task>('POST', `/tasks/${id}/skip`, { reason });

export const KIND_LABEL: Record<Task['kind'], [string, string]> = {
  send: ['一对一发送', '1:1 send'],
  confirm_mass: ['确认群发', 'confirm a mass send'],
  post_moment: ['发朋友圈', 'post a moment'],
  review: ['处理', 'review'],
};
export const SOURCE_LABEL: Record<Task['source']['kind'], [string, string]> = {
  playbook: ['SOP', 'playbook'],
  broadcast: ['群发', 'broadcast'],
  moment: ['朋友圈', 'moment'],
  manual: ['手动', 'manual'],
  invite: ['邀请有礼', 'invite campaign'],
  faq: ['问答', 'FAQ'],
  moderation: ['群管', 'moderation'],
};
