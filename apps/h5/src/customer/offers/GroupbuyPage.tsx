// 拼团: the product at the group price against the original, the group's progress (joined / needed) with its
// members, a countdown to the group's end, the share hint, and the button that opens a group or joins the one the
// link names (?g=). When full: the member's coupon code or the shop link at the group price; expired: says so.
import type { CustomerOffer } from '@pond/contracts/offers';
import type { KindPageProps } from '../boot';
import { Avatar, copyLink, Countdown, useOffer, yuan } from './common';

export function GroupbuyPage({ boot, view }: KindPageProps) {
  const { offer, setOffer, error, busy, load, act } = useOffer(boot);
  if (error) return <div class="c-card c-notice err" data-testid="o-error">{error}</div>;
  if (!offer?.product) return <div class="c-notice">加载中… <span class="en">Loading…</span></div>;
  const p = offer.product;
  const g = offer.groupbuy;
  const can = view.open && view.me.isCustomer;
  const open = async () => { const r = await act<CustomerOffer>('open', '/groupbuys'); if (r) { setOffer(r); history.replaceState(null, '', `?g=${r.groupbuy!.id}`); } };
  const join = async () => { const r = await act<CustomerOffer>('join', `/groupbuys/${g!.id}/join`); if (r) setOffer(r); else await load(); };
  return (
    <>
      <section class="c-card" data-testid="o-product">
        {p.imageUrl && <img class="o-img" src={p.imageUrl} alt={p.name} />}
        <h2>{p.name}</h2>
        <div><span class="o-price">{yuan(p.priceFen)}</span><span class="o-orig">{yuan(p.originalPriceFen)}</span></div>
        <div class="c-muted">{offer.groupSize} 人成团 · {offer.hours} 小时内 <span class="en">{offer.groupSize} people within {offer.hours} h</span></div>
      </section>
      {g ? (
        <section class="c-card" data-testid="o-group">
          <h2>
            {g.state === 'full' ? <>拼团成功 <span class="en">Group complete</span></>
              : g.state === 'expired' ? <>拼团已过期，未成团 <span class="en">Expired before it was full</span></>
              : <>还差 {g.needed - g.joined} 人成团 <span class="en">{g.needed - g.joined} more needed</span></>}
          </h2>
          <div class="o-progress"><i style={{ width: `${Math.round((g.joined / g.needed) * 100)}%` }} /></div>
          <div class="c-muted" data-testid="o-progress">{g.joined}/{g.needed}</div>
          <div class="o-avatars">
            {g.members.map((m, i) => <span key={i} title={m.name ?? ''}><Avatar name={m.name} src={m.avatar} />{m.opener ? <small> 团长</small> : null}</span>)}
            {g.state === 'open' && Array.from({ length: g.needed - g.joined }, (_, i) => <span key={`s${i}`} class="o-avatar o-avatar-empty slot">?</span>)}
          </div>
          {g.state === 'open' && <Countdown until={g.expiresAt} now={offer.now} label={['剩余', 'left']} onEnd={() => void load()} />}
          {g.state === 'open' && !g.member && (
            <button class="c-btn" data-testid="o-join" disabled={!can || busy} onClick={() => void join()}>参团 {yuan(p.priceFen)} <span class="en">Join</span></button>
          )}
          {g.state === 'open' && g.member && (
            <>
              <p class="c-muted">分享给好友，凑齐 {g.needed} 人即成团 <span class="en">Share with friends: the group completes at {g.needed}</span></p>
              <button class="c-btn" data-testid="o-share" onClick={() => void copyLink(g.shareUrl)}>邀请好友参团 <span class="en">Invite friends</span></button>
            </>
          )}
          {g.state === 'full' && g.couponCode && (
            <>
              <p>您的拼团券 <span class="en">Your group-buy coupon</span></p>
              <div class="o-code" data-testid="o-code">{g.couponCode}</div>
            </>
          )}
          {g.state === 'full' && g.buyUrl && <a class="c-btn" data-testid="o-buy" href={g.buyUrl}>以拼团价购买 <span class="en">Buy at the group price</span></a>}
          {g.state === 'full' && !g.member && <p class="c-muted">该团已满员 <span class="en">This group is full</span></p>}
          {(g.state !== 'open' || !g.member) && !g.mine && (
            <button class="c-btn secondary" disabled={!can || busy} onClick={() => void open()}>我也要开团 <span class="en">Open my own group</span></button>
          )}
        </section>
      ) : (
        <div class="c-card">
          <button class="c-btn" data-testid="o-open" disabled={!can || busy} onClick={() => void open()}>发起拼团 <span class="en">Start a group-buy</span></button>
        </div>
      )}
    </>
  );
}
