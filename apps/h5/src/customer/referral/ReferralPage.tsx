// The referral page (分销) inside WeChat. A friend who opened someone's link (`?ref=<code>`) is bound to them first
// (the server decides: first touch within the attribution window wins, one's own link is refused); a customer
// becomes a referrer with one tap and sees their code, link and QR (a plain poster to screenshot and share), their
// personal coupon code, the friends they brought, earnings by state and the leaderboard.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { z } from 'zod';
import type { ReferralMe, TouchResult } from '@pond/contracts/referrals';
import { capi } from '../api';
import type { KindPageProps } from '../boot';
import { toast } from '../../ui';
import { dateTime } from '../../format';
import './referral.css';

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const STATES: Record<string, string> = { pending: '退款期内', payable: '可结算', paid: '已结算', cancelled: '已取消' };

export function ReferralPage({ boot, view, reload }: KindPageProps) {
  const [me, setMe] = useState<ReferralMe | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [touched, setTouched] = useState<z.infer<typeof TouchResult> | null>(null);
  const [busy, setBusy] = useState(false);
  const base = `/referral/${boot.campaignId}`;

  const load = useCallback(async () => {
    try {
      setMe(await capi<ReferralMe>('GET', boot.corpId, base));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [boot.corpId, base]);

  // A referrer's link: record the touch once per page load (the server keeps the first one that holds).
  useEffect(() => {
    const ref = new URLSearchParams(location.search).get('ref');
    if (!ref || !/^[A-Z2-9]{8}$/.test(ref)) return;
    void capi<z.infer<typeof TouchResult>>('POST', boot.corpId, `${base}/touch`, { code: ref }).then(setTouched).catch(() => undefined);
  }, [boot.corpId, base]);
  useEffect(() => { void load(); }, [load, view.me.isCustomer]);

  const join = async () => {
    setBusy(true);
    try {
      setMe(await capi<ReferralMe>('POST', boot.corpId, `${base}/join`, {}));
      await reload();
      toast('已生成你的专属推荐码 Your referral code is ready');
    } catch (e) {
      toast((e as Error).message, true);
    } finally {
      setBusy(false);
    }
  };
  const copy = async (text: string) => {
    try { await navigator.clipboard.writeText(text); toast('已复制 Copied'); } catch { toast('请长按复制 Long-press to copy', true); }
  };

  if (error) return <div class="c-card err" data-testid="ref-error">{error}</div>;
  if (!me) return <div class="c-card">加载中… <span class="en">Loading…</span></div>;
  const tiers = me.rateTiers.map((t, i) => `${i === me.rateTiers.length - 1 ? `第 ${t.fromOrder} 单起` : `第 ${t.fromOrder} 单`} ${t.rateBp / 100}%`).join('，');

  return (
    <>
      {touched?.outcome === 'bound' && touched.referrerName && (
        <div class="c-banner ref-invited" data-testid="ref-invited">你的好友 {touched.referrerName} 邀请你来 <span class="en">invited you</span></div>
      )}
      <section class="c-card" data-testid="ref-terms">
        <p>好友通过你的链接或专属优惠码下单，你可获得佣金：{tiers}。<span class="en">Commission on your friends' orders.</span></p>
        <p class="en">好友首次打开链接后 {me.attributionDays} 天内的订单计入；订单过了 {me.refundWindowDays} 天退款期后可结算。</p>
      </section>
      {me.isCustomer && !me.code && me.canRefer && (
        <button class="c-btn" disabled={busy} onClick={() => void join()} data-testid="ref-join">生成我的推荐码 Get my referral link</button>
      )}
      {me.code && me.link && (
        <section class="c-card ref-poster" data-testid="ref-poster">
          <h2>我的推荐码 <span class="en">My code</span></h2>
          <div class="ref-code" data-testid="ref-code">{me.code}</div>
          {me.qrSvg && <img class="ref-qr" src={me.qrSvg} alt="QR" width={200} height={200} />}
          <p class="en">截图分享给好友，或复制链接 Screenshot and share, or copy the link</p>
          <button class="c-btn secondary" onClick={() => void copy(me.link!)}>复制链接 Copy link</button>
          {me.couponCode && <p>专属优惠码 <span class="en">Coupon code</span>: <b data-testid="ref-coupon">{me.couponCode}</b></p>}
        </section>
      )}
      {me.code && (
        <section class="c-card" data-testid="ref-earnings">
          <h2>我的收益 <span class="en">Earnings</span></h2>
          <div class="ref-grid">
            <div><b data-testid="ref-pending">{yuan(me.earnings.pendingFen)}</b><span>退款期内 Pending</span></div>
            <div><b data-testid="ref-payable">{yuan(me.earnings.payableFen)}</b><span>可结算 Payable</span></div>
            <div><b data-testid="ref-paid">{yuan(me.earnings.paidFen)}</b><span>已结算 Paid</span></div>
            <div><b>{yuan(me.earnings.cancelledFen)}</b><span>已取消 Cancelled</span></div>
          </div>
          {me.commissions.map((c, i) => (
            <div class="ref-row" key={i} data-testid="ref-commission">
              <span>{dateTime(c.paidAt as unknown as string)} · 订单 {yuan(c.orderFen)}</span>
              <span>{yuan(c.amountFen)} · {STATES[c.state]}</span>
            </div>
          ))}
        </section>
      )}
      {me.code && (
        <section class="c-card" data-testid="ref-friends">
          <h2>我邀请的好友 <span class="en">Friends</span> ({me.friends.length})</h2>
          {me.friends.length === 0 && <p class="en">还没有好友打开你的链接 No friends yet</p>}
          {me.friends.map((f, i) => (
            <div class="ref-row" key={i}><span>{f.name ?? '待添加 Not added yet'}</span><span>{f.orders} 单</span></div>
          ))}
        </section>
      )}
      {me.leaderboard.length > 0 && (
        <section class="c-card" data-testid="ref-leaderboard">
          <h2>排行榜 <span class="en">Leaderboard</span>{me.myRank ? ` · 我排第 ${me.myRank}` : ''}</h2>
          {me.leaderboard.map((b) => (
            <div class={`ref-row${b.me ? ' me' : ''}`} key={b.rank + b.name}><span>{b.rank}. {b.name}</span><span>{yuan(b.earnedFen)}</span></div>
          ))}
        </section>
      )}
    </>
  );
}
