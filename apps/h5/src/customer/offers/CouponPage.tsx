// 领券 / limited-time offer: the coupon's face value and threshold, a countdown to the offer's end (corp time
// zone), the claim button (refusals say why: ended, no stock, limit reached, not eligible), and the customer's codes.
import type { ClaimResult } from '@pond/contracts/offers';
import { dateTime } from '../../format';
import { toast } from '../../ui';
import type { KindPageProps } from '../boot';
import { Countdown, useOffer, yuan } from './common';

const STATES: Record<string, [string, string]> = { claimed: ['未使用', 'unused'], redeemed: ['已使用', 'used'], void: ['已作废', 'void'] };

export function CouponPage({ boot, view, reload }: KindPageProps) {
  const { offer, error, busy, load, act } = useOffer(boot);
  if (error) return <div class="c-card c-notice err" data-testid="o-error">{error}</div>;
  if (!offer?.coupon) return <div class="c-notice">加载中… <span class="en">Loading…</span></div>;
  const c = offer.coupon;
  const mine = c.mine.filter((m) => m.state !== 'void').length;
  const can = view.open && view.me.isCustomer && view.me.eligible && mine < c.perCustomerLimit && c.left > 0;
  const claim = async () => {
    const r = await act<ClaimResult>('claim', '/claim');
    if (r) toast(`领取成功 (claimed): ${r.coupon.code}`);
    await load();
  };
  return (
    <>
      <section class="o-coupon" data-testid="o-coupon">
        <div class="o-face"><small>¥</small>{(c.faceValueFen / 100).toFixed(c.faceValueFen % 100 ? 2 : 0)}</div>
        <div>
          <div><b>{c.name}</b></div>
          <div>{c.thresholdFen > 0 ? <>满 {yuan(c.thresholdFen)} 可用 <span class="en">on orders from {yuan(c.thresholdFen)}</span></> : <>无门槛 <span class="en">no minimum</span></>}</div>
          <div class="en">
            {c.validDays ? `领取后 ${c.validDays} 天内有效 · valid ${c.validDays} days` : c.validUntil ? `有效期至 ${dateTime(new Date(c.validUntil).toISOString())} · valid until then` : ''}
          </div>
        </div>
      </section>
      {offer.showCountdown && offer.endsAt && view.open && (
        <Countdown until={offer.endsAt} now={offer.now} label={['距结束还剩', 'left']} onEnd={() => { void reload(); void load(); }} />
      )}
      <div class="c-card">
        <div class="c-muted">每人限领 {c.perCustomerLimit} 张，已领 {mine} 张 · 剩余 {c.left} 张 <span class="en">limit {c.perCustomerLimit} each · {c.left} left</span></div>
        <button class="c-btn" data-testid="o-claim" disabled={!can || busy} onClick={() => void claim()}>
          {c.left <= 0 ? <>已领完 <span class="en">None left</span></> : mine >= c.perCustomerLimit ? <>已领取 <span class="en">Claimed</span></> : <>立即领取 <span class="en">Claim</span></>}
        </button>
      </div>
      {c.mine.length > 0 && (
        <section class="c-card" data-testid="o-mine">
          <h2>我的券 <span class="en">My coupons</span></h2>
          {c.mine.map((m) => (
            <div key={m.code}>
              <div class="o-code" data-testid="o-code">{m.code}</div>
              <div class="c-muted">
                {STATES[m.state]?.[0] ?? m.state} <span class="en">{STATES[m.state]?.[1] ?? ''}</span>
                {m.expiresAt ? ` · 至 ${dateTime(new Date(m.expiresAt).toISOString())}` : ''}
              </div>
            </div>
          ))}
          {c.useUrl && <a class="c-btn secondary" href={c.useUrl}>去使用 <span class="en">Use it</span></a>}
        </section>
      )}
    </>
  );
}
