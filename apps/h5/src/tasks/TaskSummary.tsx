// One task as both pages show it: what to do, for whom, by when (the corp's time), from which playbook,
// broadcast or moment, and the content.
import { dateTime } from '../format';
import { KIND_LABEL, SOURCE_LABEL, type Task } from './model';

const STATUS: Record<Task['status'], [string, string]> = {
  pending: ['待办', 'pending'],
  overdue: ['已逾期', 'overdue'],
  done: ['已完成', 'done'],
  skipped: ['已跳过', 'skipped'],
  cancelled: ['已取消', 'cancelled'],
};

const GROUP_SEND: [string, string] = ['发到群里', 'send in the group'];

export function targetName(t: Task): string {
  if (t.target.kind === 'none') return '—';
  return t.target.name || t.target.externalUserid || t.target.chatId || '—';
}

export function TaskSummary({ task, showTarget }: { task: Task; showTarget: boolean }) {
  const [zh, en] = STATUS[task.status];
  // A send task's target decides the words: a group's is sent into the group, not 1:1.
  const [kz, ke] = task.kind === 'send' && task.target.kind === 'group' ? GROUP_SEND : KIND_LABEL[task.kind];
  const [sz, se] = SOURCE_LABEL[task.source.kind];
  return (
    <>
      <div class="head">
        <b>
          {showTarget ? `${task.target.kind === 'group' ? '群 ' : ''}${targetName(task)}` : kz}
          {showTarget ? <span class="en"> · {kz} {ke}</span> : <span class="en"> {ke}</span>}
        </b>
        <span class={`badge ${task.status}`} data-testid="task-status">
          {zh} {en}
        </span>
      </div>
      <div class="en">
        {task.status === 'done' && task.doneAt ? `完成于 done ${dateTime(task.doneAt)}` : `截止 due ${dateTime(task.dueAt)}`} · {sz} {se}: {task.source.name}
      </div>
      {task.text ? <div class="clamp" data-testid="task-text">{task.text}</div> : null}
      {task.attachmentCount ? <div class="en">+ {task.attachmentCount} 个附件 attachment(s)</div> : null}
      {task.skipReason ? <div class="en">跳过原因 Reason: {task.skipReason}</div> : null}
    </>
  );
}
