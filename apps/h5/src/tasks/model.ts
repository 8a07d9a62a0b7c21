// The staff task API as both pages use it: my tasks, the messages of a send task (sendChatMessage payloads
// in order, placeholders filled), done and skip.
import { api, q } from '../api';
import type { ChatMessage } from '../wecom';

export type TaskStatus = 'pending' | 'overdue' | 'done' | 'skipped' | 'cancelled';

export interface Task {
  id: number;
  kind: 'send' | 'confirm_mass' | 'post_moment';
  status: TaskStatus;
  dueAt: string;
  ownerUserid: string;
  ownerName: string | null;
  target: { kind: 'customer' | 'group' | 'none'; externalUserid?: string | null; chatId?: string | null; name?: string | null };
  text: string;
  attachmentCount: number;
  source: { kind: 'playbook' | 'broadcast' | 'moment' | 'manual'; id: number | null; name: string };
  doneAt: string | null;
  doneVia: string | null;
  skipReason: string | null;
}

export async function listTasks(filter: { status: TaskStatus; externalUserid?: string | null; chatId?: string | null; limit?: number }): Promise<Task[]> {
  return (await api<{ items: Task[] }>('GET', `/tasks${q({ status: filter.status, externalUserid: filter.externalUserid, chatId: filter.chatId, limit: filter.limit ?? 100 })}`)).items;
}

/** Pending and overdue together, the most urgent first. */
export async function openTasks(filter: { externalUserid?: string | null; chatId?: string | null } = {}): Promise<Task[]> {
  const [overdue, pending] = await Promise.all([listTasks({ ...filter, status: 'overdue' }), listTasks({ ...filter, status: 'pending' })]);
  return [...overdue, ...pending].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}

export async function taskMessages(id: number): Promise<ChatMessage[]> {
  return (await api<{ items: ChatMessage[] }>('GET', `/tasks/${id}/messages`)).items;
}

export const markDone = (id: number, via: 'sidebar' | 'task_page' | 'manual') => api<Task>('POST', `/tasks/${id}/done`, { via });
export const skipTask = (id: number, reason: string) => api<Task>('POST', `/tasks/${id}/skip`, { reason });

export const KIND_LABEL: Record<Task['kind'], [string, string]> = {
  send: ['一对一发送', '1:1 send'],
  confirm_mass: ['确认群发', 'confirm a mass send'],
  post_moment: ['发朋友圈', 'post a moment'],
};
export const SOURCE_LABEL: Record<Task['source']['kind'], [string, string]> = {
  playbook: ['SOP', 'playbook'],
  broadcast: ['群发', 'broadcast'],
  moment: ['朋友圈', 'moment'],
  manual: ['手动', 'manual'],
};
