// 定时红包: the round on now (packets left, a countdown to its end) and the button to take one, or the next round's
// countdown; the customer's packets and whether each reached their 零钱. Refusals (sold out, not eligible, budget)
// come from the server with their reason.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CustomerRedpacket, RedpacketClaimResult } from '@pond/contracts/redpackets';
import { capi, requestId } from '../api';
import { dateTime, setTimeZone } from '../../format';
import { toast } from '../../ui';
import type { KindPageProps } from '../boot';
import { Countdown, yuan } from '../offers/common';

const STATES: Record<string, [string, string]> = {
  pending: ['发放中', 'paying'], issuing: ['发放中', 'paying'], issued: ['已存入零钱', 'in your balance'], failed: ['发放失败，客服处理中', 'payment failed: being handled'],
};

let pendingId: string | null = null;

export function RedpacketPage({ boot, view, reload }: KindPageProps) {
  const [rp, setRp] = useState<CustomerRedpacket | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [won, setWon] = useState<RedpacketClaimResult | null>(null);
  setTimeZone(boot.timezone);
  const load = useCallback(async () => {
    try {
      setRp(await capi<CustomerRedpacket>('GET', boot.corpId, `/redpackets/${boot.campaignId}`));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [boot.corpId, boot.campaignId]);
  useEffect(() => { void load(); }, [load]);

  if (error) return <div class="c-card c-notice err" data-testid="rp-error">{error}</div>;
  if (!rp) return <div class="c-notice">加载中… <span class="en">Loading…</span></div>;

  const claim = async () => {
    if (busy) return;
    setBusy(true);
    pendingId ??= requestId();
    try {
      const r = await capi<RedpacketClaimResult>('POST', boot.corpId, `/redpackets/${boot.campaignId}/claim`, { requestId: pendingId });
      pendingId = null;
      setWon(r);
    } catch (e) {
      const status = (e as { status?: number }).status ?? 0;
      if (status >= 400 && status < 500) pendingId = null;
      toast((e as Error).message, true);
    } finally {
      setBusy(false);
      await load();
    }
  };

  const cur = rp.current;
  const left = cur ? Math.max(0, cur.count - cur.claimed) : 0;
  const can = view.open && view.me.isCustomer && view.me.eligible && !!cur && !cur.mine && left > 0;
  const amount = rp.amount.mode === 'fixed' ? yuan(rp.amount.amountFen) : `${yuan(rp.amount.minFen)}–${yuan(rp.amount.maxFen)}`;
  return (
    <>
      <section class="rp-envelope" data-testid="rp-envelope">
        <div class="rp-title">{rp.title}</div>
        {won ? (
          <div class="rp-won" data-testid="rp-won"><small>¥</small>{(won.amountFen / 100).toFixed(2)}<div class="rp-sub">已抢到 <span class="en">You got it</span></div></div>
        ) : (
          <div class="rp-amount">{amount}<div class="rp-sub">每场每人 1 个 <span class="en">one per round each</span></div></div>
        )}
        <button class="rp-open" data-testid="rp-claim" disabled={!can || busy} onClick={() => void claim()}>
          {cur?.mine ? '已抢' : !cur ? '未开始' : left <= 0 ? '抢完了' : '抢'}
        </button>
      </section>
      {cur ? (
        <div class="c-card" data-testid="rp-current">
          <div>本场剩余 <b data-testid="rp-left">{left}</b> / {cur.count} 个 <span class="en">left this round</span></div>
          <Countdown until={cur.endsAt} now={rp.now} label={['本场还剩', 'until this round ends']} onEnd={() => { void reload(); void load(); }} />
        </div>
      ) : rp.next ? (
        <div class="c-card" data-testid="rp-next">
          <div>下一场 {dateTime(new Date(rp.next.startsAt).toISOString())} 开抢，共 {rp.next.count} 个 <span class="en">next round</span></div>
          <Countdown until={rp.next.startsAt} now={rp.now} label={['距开抢', 'until it starts']} onEnd={() => void load()} />
        </div>
      ) : (
        <div class="c-card c-muted">没有更多场次了 <span class="en">No more rounds</span></div>
      )}
      {rp.mine.length > 0 && (
        <section class="c-card" data-testid="rp-mine">
          <h2>我的红包 <span class="en">My red packets</span>{rp.perCustomerTotal ? <span class="c-muted"> · {rp.mine.length}/{rp.perCustomerTotal}</span> : null}</h2>
          {rp.mine.map((m) => (
            <div key={m.rewardId} class="rp-row">
              <b>{yuan(m.amountFen)}</b> <span class="c-muted">{dateTime(new Date(m.at).toISOString())}</span>
              <span class="c-muted"> · {STATES[m.state]?.[0] ?? m.state} <span class="en">{STATES[m.state]?.[1] ?? ''}</span></span>
            </div>
          ))}
        </section>
      )}
    </>
  );
}
