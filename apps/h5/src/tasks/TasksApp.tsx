// The staff task page (/tasks/<corpId>[?task=<id>]), opened from a WeCom app message: my tasks that are
// overdue, pending, and done today. A 1:1 send task opens the chat with its customer or group
// (openEnterpriseChat), where the sidebar sends it in one tap; any task can be marked done or skipped
// with a reason.
import type { ComponentType } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Boot } from '../boot';
import { day } from '../format';
import { Notice, toast } from '../ui';
import { connect, errText, inWeCom, openChat } from '../wecom';
import { latestTasks, markDone, openTasks, skipTask, type Task } from './model';
import { TaskSummary } from './TaskSummary';
import { MyReferrals } from './MyReferrals';

interface Lists {
  open: Task[];
  doneToday: Task[];
}

export function TasksApp({ boot }: { boot: Boot }) {
  const [lists, setLists] = useState<Lists | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The JS-SDK: null while connecting, then whether chats can be opened from here. */
  const [sdk, setSdk] = useState<{ ok: boolean; why?: string } | null>(null);
  /** 我的名片: loaded on first open, so the task page's first load does not carry it. */
  const [card, setCard] = useState<{ open: boolean; view: ComponentType<{ userid: string; name: string }> | null }>({ open: false, view: null });
  const toggleCard = () => {
    if (card.open) { setCard({ ...card, open: false }); return; }
    if (card.view) { setCard({ ...card, open: true }); return; }
    import('../card/MyCard').then(
      (m) => setCard({ open: true, view: m.MyCard }),
      (e: unknown) => toast(`加载失败 Could not load: ${errText(e)}`, true),
    );
  };

  const load = useCallback(async () => {
    try {
      const [open, done] = await Promise.all([openTasks(), latestTasks('done')]);
      const today = day(Date.now());
      setLists({ open, doneToday: done.filter((t) => t.doneAt && day(t.doneAt) === today) });
      setError(null);
    } catch (e) {
      setError(errText(e));
    }
  }, []);

  useEffect(() => {
    void load();
    if (!inWeCom()) {
      setSdk({ ok: false, why: '不在企业微信中 Not inside WeCom' });
      return;
    }
    connect(boot).then(
      () => setSdk({ ok: true }),
      (e) => setSdk({ ok: false, why: `企业微信授权失败 agentConfig failed: ${errText(e)}` }),
    );
  }, [boot, load]);

  // The task the app message pointed at, once it is on the page.
  useEffect(() => {
    if (lists && boot.taskId) document.querySelector(`[data-task="${boot.taskId}"]`)?.scrollIntoView({ block: 'center' });
  }, [lists, boot.taskId]);

  if (error && !lists) return <Notice zh="任务加载失败" en={error} error />;
  if (!lists) return <Notice zh="加载中…" en="Loading…" />;
  const overdue = lists.open.filter((t) => t.status === 'overdue');
  const pending = lists.open.filter((t) => t.status !== 'overdue');
  const focusMissing = boot.taskId && ![...lists.open, ...lists.doneToday].some((t) => t.id === boot.taskId);
  return (
    <>
      <header>
        <div class="grow">
          <b>我的任务</b> <span class="en">My tasks · {boot.me.name}</span>
        </div>
        <button class="btn" onClick={toggleCard} data-action="my-card">{card.open ? '返回任务 Tasks' : '我的名片 My card'}</button>
      </header>
      {card.open && card.view ? <card.view userid={boot.me.userid} name={boot.me.name} /> : null}
      {sdk && !sdk.ok ? <div class="notice en" data-testid="sdk-note">{sdk.why} — 打开聊天不可用 opening chats is unavailable</div> : null}
      {focusMissing ? (
        <section class="muted" data-testid="task-gone">
          这个任务已经处理或已取消 <span class="en">That task was already handled or cancelled.</span>
        </section>
      ) : null}
      <Group title="已逾期" en="Overdue" testid="tasks-overdue" tasks={overdue} boot={boot} sdkOk={!!sdk?.ok} reload={load} />
      <Group title="待办" en="Pending" testid="tasks-pending" tasks={pending} boot={boot} sdkOk={!!sdk?.ok} reload={load} />
      <Group title="今日已完成" en="Done today" testid="tasks-done" tasks={lists.doneToday} boot={boot} sdkOk={false} reload={load} />
      <MyReferrals />
    </>
  );
}

function Group(props: { title: string; en: string; testid: string; tasks: Task[]; boot: Boot; sdkOk: boolean; reload: () => Promise<void> }) {
  return (
    <section data-testid={props.testid}>
      <h3>
        {props.title} <span class="en">{props.en}</span>
        <span class="count">{props.tasks.length}</span>
      </h3>
      {props.tasks.length ? (
        props.tasks.map((t) => <TaskItem key={t.id} task={t} focus={t.id === props.boot.taskId} sdkOk={props.sdkOk} reload={props.reload} />)
      ) : (
        <div class="muted">无 None</div>
      )}
    </section>
  );
}

const HOW: Record<Task['kind'], string> = {
  send: '',
  confirm_mass: '在企业微信「客户联系 → 群发助手」中确认发送 Confirm it in WeCom’s mass-send assistant',
  post_moment: '在企业微信「客户朋友圈」中发表 Post it from Customer Moments in WeCom',
  review: '按说明在企业微信中处理后点「完成」 Deal with it in WeCom as described, then tap Done',
};

function TaskItem({ task, focus, sdkOk, reload }: { task: Task; focus: boolean; sdkOk: boolean; reload: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [skipping, setSkipping] = useState(false);
  const [reason, setReason] = useState('');
  const [opened, setOpened] = useState(false);
  const open = task.status === 'pending' || task.status === 'overdue';
  const chatTarget = task.kind === 'send' && (task.target.externalUserid || task.target.chatId);

  async function act(fn: () => Promise<unknown>, ok: string) {
    setBusy(true);
    try {
      await fn();
      toast(ok);
      await reload();
    } catch (e) {
      toast(`失败 Failed: ${errText(e)}`, true);
    } finally {
      setBusy(false);
    }
  }
  async function openIt() {
    setBusy(true);
    try {
      await openChat(task.target);
      setOpened(true);
      toast('已打开聊天：在侧边栏「任务」中一键发送 Chat opened: send it from the sidebar’s Tasks');
    } catch (e) {
      toast(`打开失败 Could not open the chat: ${errText(e)}`, true);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class={`task${focus ? ' focus' : ''}`} data-task={task.id}>
      <TaskSummary task={task} showTarget />
      {open && HOW[task.kind] ? <div class="en">{HOW[task.kind]}</div> : null}
      {open ? (
        <div class="actions">
          {chatTarget ? (
            <button class={opened ? '' : 'primary'} data-action="open-chat" disabled={busy || !sdkOk} onClick={() => void openIt()}>
              去聊天发送 Open chat
            </button>
          ) : null}
          {task.kind === 'send' || task.kind === 'review' ? (
            <button class={chatTarget && !opened ? '' : 'primary'} data-action="done" disabled={busy} onClick={() => void act(() => markDone(task.id, 'task_page'), '已完成 Done')}>
              {chatTarget ? '已发送 Sent' : '完成 Done'}
            </button>
          ) : null}
          <button data-action="skip" disabled={busy} onClick={() => setSkipping(!skipping)}>
            跳过 Skip
          </button>
        </div>
      ) : null}
      {open && skipping ? (
        <div class="picker">
          <input type="text" name="reason" maxLength={200} placeholder="跳过原因 Why skip it" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <div class="actions">
            <button class="primary" data-action="confirm-skip" disabled={busy || !reason.trim()} onClick={() => void act(() => skipTask(task.id, reason.trim()), '已跳过 Skipped')}>
              确认跳过 Skip it
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
