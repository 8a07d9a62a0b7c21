// 任务 Tasks beside a chat: the member's pending 1:1 send tasks for this customer or group. One tap sends
// every message of the task into the chat in order (sendChatMessage), then marks it done. A send that
// stops half way resumes after the last message that went out.
import { useEffect, useRef, useState } from 'preact/hooks';
import { toast } from '../ui';
import { errText, sendChatMessage } from '../wecom';
import { markDone, openTasks, taskMessages, type Task } from '../tasks/model';
import { TaskSummary } from '../tasks/TaskSummary';

export function ChatTasks({ externalUserid, chatId }: { externalUserid: string | null; chatId: string | null }) {
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  /** Messages already sent per task (a retry continues from there); `partial` shows it. */
  const sentRef = useRef(new Map<number, number>());
  const [partial, setPartial] = useState<Record<number, number>>({});
  /** One send at a time, decided before React re-renders (a double tap must not send twice). */
  const sendingRef = useRef(false);

  useEffect(() => {
    openTasks(chatId ? { chatId } : { externalUserid }).then(
      (items) => setTasks(items.filter((t) => t.kind === 'send')),
      (e: Error) => setError(e.message),
    );
  }, [externalUserid, chatId]);

  async function send(task: Task) {
    if (sendingRef.current) return;
    sendingRef.current = true;
    setBusy(task.id);
    try {
      const messages = await taskMessages(task.id);
      for (let i = sentRef.current.get(task.id) ?? 0; i < messages.length; i++) {
        await sendChatMessage(messages[i], i === messages.length - 1);
        sentRef.current.set(task.id, i + 1);
      }
      await markDone(task.id, 'sidebar');
      sentRef.current.delete(task.id);
      setTasks((ts) => (ts ?? []).filter((t) => t.id !== task.id));
      toast(`已发送 ${messages.length} 条，任务完成 Sent ${messages.length}, task done`);
    } catch (e) {
      const n = sentRef.current.get(task.id) ?? 0;
      setPartial((p) => ({ ...p, [task.id]: n }));
      toast(`发送失败 Not sent${n ? ` (已发 ${n} 条 ${n} sent)` : ''}: ${errText(e)}`, true);
    } finally {
      sendingRef.current = false;
      setBusy(null);
    }
  }

  if (error) {
    return (
      <section data-testid="chat-tasks">
        <h3>任务 Tasks</h3>
        <div class="err">{error}</div>
      </section>
    );
  }
  if (!tasks?.length) return null;
  return (
    <section data-testid="chat-tasks">
      <h3>
        任务 Tasks<span class="count">{tasks.length}</span>
      </h3>
      {tasks.map((t) => (
        <div class="task" key={t.id} data-task={t.id}>
          <TaskSummary task={t} showTarget={false} />
          <div class="actions">
            <button class="primary" data-action="send-task" disabled={busy !== null} onClick={() => void send(t)}>
              {busy === t.id ? '发送中… Sending…' : partial[t.id] ? `继续发送 Resume (${partial[t.id]} sent)` : '一键发送 Send'}
            </button>
          </div>
        </div>
      ))}
    </section>
  );
}
