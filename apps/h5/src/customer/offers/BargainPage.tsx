// 砍价: the price bar from the start price down to the floor, the helpers and their cuts, the help button for
// friends who open the link (?b=), the owner's share and buy buttons, and a countdown to the bargain's end.
import type { CustomerOffer, HelpResult } from '@pond/contracts/offers';
import { toast } from '../../ui';
import type { KindPageProps } from '../boot';
import { Avatar, copyLink, Countdown, useOffer, yuan } from './common';

export function BargainPage({ boot, view }: KindPageProps) {
  const { offer, setOffer, error, busy, load, act } = useOffer(boot);
  if (error) return <div class="c-card c-notice err" data-testid="o-error">{error}</div>;
  if (!offer?.product) return <div class="c-notice">加载中… <span class="en">Loading…</span></div>;
  const p = offer.product;
  const b = offer.bargain;
  const start = async () => { const r = await act<CustomerOffer>('start', '/bargains'); if (r) { setOffer(r); history.replaceState(null, '', `?b=${r.bargain!.id}`); } };
  const help = async () => {
    const r = await act<HelpResult>('help', `/bargains/${b!.id}/help`);
    if (r) { toast(`帮砍成功，砍掉 ${yuan(r.cutFen)} (you cut ${yuan(r.cutFen)})`); setOffer({ ...offer, bargain: r.bargain }); } else await load();
  };
  const buy = async () => { const r = await act<CustomerOffer>('buy', `/bargains/${b!.id}/buy`); if (r) { setOffer(r); if (r.bargain?.buyUrl) location.href = r.bargain.buyUrl; } };
  const live = b && (b.state === 'open' || b.state === 'floor');
  const done = b ? Math.round(((b.startFen - b.priceFen) / (b.startFen - b.floorFen)) * 100) : 0;
  return (
    <>
      <section class="c-card" data-testid="o-product">
        {p.imageUrl && <img class="o-img" src={p.imageUrl} alt={p.name} />}
        <h2>{p.name}</h2>
        <div>最低可砍至 <span class="o-price">{yuan(p.priceFen)}</span><span class="o-orig">{yuan(p.originalPriceFen)}</span> <span class="en">down to</span></div>
        {offer.newCustomersOnly && <div class="c-muted">仅限新朋友助力 <span class="en">Only friends who are not customers yet may help</span></div>}
      </section>
      {b ? (
        <section class="c-card" data-testid="o-bargain">
          <h2>当前价 <span class="o-price" data-testid="o-current">{yuan(b.priceFen)}</span></h2>
          <div class="o-progress"><i style={{ width: `${done}%` }} /></div>
          <div class="o-bar-labels"><span>{yuan(b.startFen)}</span><span>已砍 {yuan(b.startFen - b.priceFen)}</span><span>底价 {yuan(b.floorFen)}</span></div>
          {live && <Countdown until={b.expiresAt} now={offer.now} label={['剩余', 'left']} onEnd={() => void load()} />}
          {b.state === 'expired' && <p class="c-banner">砍价已过期 <span class="en">This bargain has expired</span></p>}
          {b.state === 'floor' && <p class="c-banner">已砍到底价 <span class="en">At the floor price</span></p>}
          {b.mine ? (
            <>
              {live && <button class="c-btn secondary" data-testid="o-share" onClick={() => void copyLink(b.shareUrl)}>找好友帮砍 <span class="en">Ask friends to help</span></button>}
              {live && <button class="c-btn" data-testid="o-buy" disabled={busy} onClick={() => void buy()}>以 {yuan(b.priceFen)} 购买 <span class="en">Buy now</span></button>}
              {b.state === 'bought' && b.buyUrl && <a class="c-btn" data-testid="o-buy-link" href={b.buyUrl}>去下单 {yuan(b.priceFen)} <span class="en">Go to the shop</span></a>}
            </>
          ) : b.myCutFen !== null ? (
            <p data-testid="o-helped">您已帮砍 {yuan(b.myCutFen)} <span class="en">You cut {yuan(b.myCutFen)}</span></p>
          ) : (
            live && b.state === 'open' && <button class="c-btn" data-testid="o-help" disabled={busy || !view.open} onClick={() => void help()}>帮 TA 砍一刀 <span class="en">Help cut the price</span></button>
          )}
          {!b.mine && view.me.isCustomer && <button class="c-btn secondary" disabled={busy || !view.open} onClick={() => { history.replaceState(null, '', location.pathname); void start(); }}>我也要砍价 <span class="en">Start my own</span></button>}
          <h2 style={{ marginTop: '14px' }}>帮砍好友 ({b.helps}) <span class="en">Helpers</span></h2>
          <ul class="c-list" data-testid="o-helpers">
            {b.helpers.map((h, i) => (
              <li key={i}><span><Avatar name={h.name} src={h.avatar} /> {h.name ?? '微信好友'}</span><span>-{yuan(h.cutFen)}</span></li>
            ))}
          </ul>
        </section>
      ) : (
        <div class="c-card">
          <button class="c-btn" data-testid="o-start" disabled={busy || !view.open || !view.me.isCustomer || !view.me.eligible} onClick={() => void start()}>发起砍价 <span class="en">Start a bargain</span></button>
        </div>
      )}
    </>
  );
}
