// The check-in page (签到 / 打卡挑战) inside WeChat: a month calendar in the corp's time zone (days come from the
// server: `today` is the corp's day), today's button, the streak and the challenge's progress, make-up days, the
// milestones and, for a paid challenge, the cash-back promise (打卡返现) or the link to pay the entry fee.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { CheckinMe, CheckinResult } from '@pond/contracts/checkin';
import { capi, requestId } from '../api';
import type { KindPageProps } from '../boot';
import { toast } from '../../ui';
import './checkin.css';

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const WEEK = ['日', '一', '二', '三', '四', '五', '六'];

/** Days of a month as YYYY-MM-DD (UTC arithmetic on calendar days: no zone involved). */
function monthDays(ym: string): { days: string[]; lead: number } {
  const [y, m] = ym.split('-').map(Number);
  const n = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lead = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
  return { days: Array.from({ length: n }, (_, i) => `${ym}-${String(i + 1).padStart(2, '0')}`), lead };
}
function shiftMonth(ym: string, by: number): string {
  const [y, m] = ym.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

const REWARD_STATE: Record<string, string> = { pending: '发放中', issuing: '发放中', issued: '已发放', failed: '发放失败，处理中', void: '已作废' };
const STATE_BANNER: Record<string, { zh: string; en: string }> = {
  completed: { zh: '🎉 挑战完成！', en: 'Challenge complete!' },
  failed: { zh: '连续打卡中断，本次挑战未完成', en: 'The streak broke: this challenge was not completed.' },
  refunded: { zh: '报名费已退款，挑战已结束', en: 'The entry fee was refunded; the challenge has ended.' },
};

export function CheckinPage({ boot, view }: KindPageProps) {
  const [me, setMe] = useState<CheckinMe | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [month, setMonth] = useState<string | null>(null);
  // One id per intended check-in: a retry after a network error sends the same one.
  const pendingRef = useRef<string | null>(null);
  const base = `/checkin/${boot.campaignId}`;
  const canAct = view.me.isCustomer;

  const load = useCallback(async () => {
    if (!canAct) return;
    try {
      const m = await capi<CheckinMe>('GET', boot.corpId, base);
      setMe(m);
      setMonth((cur) => cur ?? m.today.slice(0, 7));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [boot.corpId, base, canAct]);
  useEffect(() => { void load(); }, [load]);

  const after = (r: CheckinResult, what: string) => {
    setMe(r);
    if (r.completedNow) toast('🎉 挑战完成！Challenge complete!');
    else if (r.newMilestones.length) toast(`达成 ${r.newMilestones.join('、')} 天里程碑 Milestone reached`);
    else toast(r.created ? what : '今天已打卡 Already checked in today');
  };

  const checkin = async () => {
    if (busy) return;
    setBusy(true);
    pendingRef.current ??= requestId();
    try {
      after(await capi<CheckinResult>('POST', boot.corpId, `${base}/checkin`, { requestId: pendingRef.current }), '打卡成功 Checked in');
      pendingRef.current = null;
    } catch (e) {
      toast((e as Error).message, true);
      if ((e as { status?: number }).status !== undefined && (e as { status: number }).status < 500) pendingRef.current = null;
      void load();
    } finally {
      setBusy(false);
    }
  };

  const makeup = async (day: string) => {
    if (busy || !me) return;
    if (!confirm(`使用 1 张补签卡补签 ${day}？(剩余 ${me.makeupCardsLeft} 张)\nUse a make-up card for ${day}?`)) return;
    setBusy(true);
    try {
      after(await capi<CheckinResult>('POST', boot.corpId, `${base}/makeup`, { day, requestId: requestId() }), `已补签 ${day} Made up`);
    } catch (e) {
      toast((e as Error).message, true);
      void load();
    } finally {
      setBusy(false);
    }
  };

  const entry = view.entry;
  const fee = entry.kind === 'paid' ? entry : null;
  if (!canAct) {
    return fee ? <div class="c-card ck-promise" data-testid="ck-promise">支付报名费 {yuan(fee.priceFen)} 参加挑战 <span class="en">Entry fee</span></div> : null;
  }
  if (error) return <div class="c-card c-notice err" data-testid="ck-error">{error}</div>;
  if (!me || !month) return <div class="c-card c-notice">加载中… <span class="en">Loading…</span></div>;

  const checked = new Map(me.checked.map((d) => [d.day, d.makeup]));
  const makeable = new Set(me.makeupDays);
  const { days, lead } = monthDays(month);
  const goal = me.challengeDays;
  const count = me.streakRule === 'cumulative' ? me.days : me.mode === 'challenge' ? Math.max(me.streak, me.state === 'completed' ? goal ?? 0 : 0) : me.streak;
  const active = me.state === null || me.state === 'active';
  const mayTap = view.open && (view.me.eligible || me.enrolled) && active && !me.needsPayment;
  const banner = me.state && me.state !== 'active' ? STATE_BANNER[me.state] : null;

  return (
    <>
      {banner && <div class={`c-banner ck-state-${me.state}`} data-testid="ck-state">{banner.zh} <span class="en">{banner.en}</span></div>}
      {me.cashback && me.state !== 'failed' && me.state !== 'refunded' && (
        <div class="c-card ck-promise" data-testid="ck-cashback">
          <b>完成 {goal} 天返还 {yuan(me.cashback.amountFen)}</b>
          <div class="en">Finish {goal} days and get {yuan(me.cashback.amountFen)} back{me.streakRule === 'consecutive' ? ' (consecutive days)' : ''}.</div>
          {me.cashback.state && <div class="c-muted" data-testid="ck-cashback-state">返现 {REWARD_STATE[me.cashback.state] ?? me.cashback.state}</div>}
        </div>
      )}
      {me.needsPayment && fee && (
        <div class="c-card c-join" data-testid="ck-pay">
          <p><b>支付报名费 {yuan(fee.priceFen)} 后开始挑战</b></p>
          <p class="en">Pay the entry fee to start the challenge; the page updates once your order arrives.</p>
          {fee.productUrl ? <a class="c-btn" href={fee.productUrl} data-testid="ck-pay-link">去支付 Pay now</a> : <p class="c-muted">请在店铺购买报名商品 Buy the entry in our shop.</p>}
          <button type="button" class="c-btn secondary" onClick={() => void load()}>我已支付，刷新 I paid — refresh</button>
        </div>
      )}

      <section class="c-card ck-progress" data-testid="ck-progress">
        <div class="ck-stats">
          <div><b data-testid="ck-streak">{me.streak}</b><span>连续天数<br /><i class="en">streak</i></span></div>
          <div><b data-testid="ck-days">{me.days}</b><span>累计天数<br /><i class="en">days</i></span></div>
          <div><b>{me.bestStreak}</b><span>最长连续<br /><i class="en">best</i></span></div>
        </div>
        {goal && (
          <>
            <div class="ck-bar"><div style={{ width: `${Math.min(100, (count / goal) * 100)}%` }} /></div>
            <div class="c-muted" data-testid="ck-goal">{me.streakRule === 'consecutive' ? '连续' : '累计'}打卡 {Math.min(count, goal)} / {goal} 天 <span class="en">{me.streakRule} days</span></div>
          </>
        )}
        <button type="button" class="c-btn" data-testid="ck-tap" disabled={!mayTap || me.checkedToday || busy} onClick={() => void checkin()}>
          {me.checkedToday ? '今日已打卡 ✓ Checked in today' : me.enrolled ? '今日打卡 Check in' : '参加并打卡 Join & check in'}
        </button>
      </section>

      <section class="c-card" data-testid="ck-calendar">
        <div class="ck-month">
          <button type="button" onClick={() => setMonth(shiftMonth(month, -1))} aria-label="上个月 previous month">‹</button>
          <b>{month.replace('-', ' 年 ')} 月</b>
          <button type="button" onClick={() => setMonth(shiftMonth(month, 1))} aria-label="下个月 next month">›</button>
        </div>
        <div class="ck-grid">
          {WEEK.map((w) => <span class="ck-wd" key={w}>{w}</span>)}
          {Array.from({ length: lead }, (_, i) => <span key={`l${i}`} />)}
          {days.map((d) => {
            const isChecked = checked.has(d);
            const cls = ['ck-day', isChecked ? (checked.get(d) ? 'made' : 'done') : '', makeable.has(d) ? 'makeable' : '', d === me.today ? 'today' : '', d > me.today ? 'future' : ''].join(' ');
            const label = Number(d.slice(8));
            return makeable.has(d) && active
              ? <button type="button" key={d} class={cls} data-day={d} onClick={() => void makeup(d)} title="补签 make up">{label}<small>补签</small></button>
              : <span key={d} class={cls} data-day={d}>{label}{isChecked && <small>{checked.get(d) ? '补' : '✓'}</small>}</span>;
          })}
        </div>
        <div class="c-muted ck-legend">
          ✓ 已打卡 checked · 补 补签 made up{me.makeupCardsLeft > 0 || me.makeupDays.length ? ` · 补签卡剩余 ${me.makeupCardsLeft} 张 make-up cards left` : ''}
        </div>
      </section>

      {me.milestones.length > 0 && (
        <section class="c-card" data-testid="ck-milestones">
          <h2>里程碑奖励 <span class="en">Milestones</span></h2>
          <ul class="c-list">
            {me.milestones.map((m) => (
              <li key={m.days} class={m.reached ? 'ck-reached' : ''}>
                <span>{me.streakRule === 'consecutive' ? '连续' : '累计'} {m.days} 天 · {m.title}{m.couponCode && <b class="ck-code"> {m.couponCode}</b>}</span>
                <span class="c-muted">{m.rewardState ? REWARD_STATE[m.rewardState] ?? m.rewardState : m.reached ? '已达成' : '未达成'}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
