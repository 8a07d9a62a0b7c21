// The lottery (抽奖) as the customer sees it: a wheel (the CSS rotation lands on the won slot) or a grid (the light
// runs and stops on it), draws left today / in total, what a draw costs (points, or "buy a draw" for the paid 1-cent
// draw), my prizes and their state. A tap sends one request id; a retry after a lost answer sends the same id again
// (the server answers the first result), and taps while a draw is under way are ignored. Types only from contracts:
// no zod in this chunk.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { CustomerLotteryView, LotteryDrawResult } from '@pond/contracts/lottery';
import { capi, CustomerApiError, requestId } from '../api';
import { AddressForm } from '../AddressForm';
import type { KindPageProps } from '../boot';
import { toast } from '../../ui';
import './lottery.css';

type Prize = CustomerLotteryView['prizes'][number];
type Mine = CustomerLotteryView['myPrizes'][number];

const SPIN_MS = 3200;
const COLORS = ['#fde68a', '#fed7aa'];

const STATE_LABELS: Record<string, string> = {
  pending: '待发放 Pending', issuing: '发放中 Issuing', issued: '已发放 Issued', failed: '发放失败，稍后重试 Failed (retrying)', void: '已作废 Void',
};

function stateLabel(m: Mine): string {
  if (m.needsAddress) return '待填写收货地址 Waiting for your address';
  if (m.kind === 'gift' && m.state === 'pending') return '待发货 To be shipped';
  return STATE_LABELS[m.state ?? ''] ?? (m.state ?? '');
}

function prizeLine(m: Mine): string {
  if (m.couponCode) return `券码 Code: ${m.couponCode}`;
  if (m.kind === 'points') return `+${m.points} 积分 points`;
  if (m.kind === 'redpacket') return `¥${(m.amountFen / 100).toFixed(2)} 微信红包 red packet`;
  return '';
}

export function LotteryPage({ boot, view, reload }: KindPageProps) {
  const [lv, setLv] = useState<CustomerLotteryView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<LotteryDrawResult | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [turn, setTurn] = useState(0);
  const [lit, setLit] = useState(-1);
  // The request id of the draw under way: kept until an answer arrives, so a retry is the same draw.
  const pendingRef = useRef<string | null>(null);
  const path = `/lottery/${boot.campaignId}`;

  const load = useCallback(async () => {
    try {
      setLv(await capi<CustomerLotteryView>('GET', boot.corpId, path));
      setLoadError(null);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  }, [boot.corpId, path]);
  useEffect(() => { void load(); }, [load, view]);

  const can = view.open && view.me.isCustomer && view.me.eligible;
  const prizes = lv?.prizes ?? [];

  const land = (r: LotteryDrawResult, done: () => void) => {
    const n = prizes.length;
    const i = r.prize ? prizes.findIndex((p) => p.id === r.prize!.id) : -1;
    if (lv?.display === 'grid') {
      // The light runs three rounds and stops on the slot.
      const target = i >= 0 ? i : 0;
      const steps = n * 3 + target;
      let k = 0;
      const tick = () => {
        setLit(k % n);
        if (k++ < steps) setTimeout(tick, 40 + Math.max(0, k - steps + 8) * 35);
        else done();
      };
      tick();
      return;
    }
    const seg = 360 / Math.max(1, n);
    // The slot's middle under the pointer (top), after five full turns; no slot: between two slots.
    const at = i >= 0 ? i * seg + seg / 2 : 0;
    setTurn((t) => t - (t % 360) + 360 * 5 + (360 - at));
    setTimeout(done, SPIN_MS);
  };

  const draw = async () => {
    if (busy || !can) return;
    setBusy(true);
    setRefusal(null);
    setResult(null);
    pendingRef.current ??= requestId();
    try {
      const r = await capi<LotteryDrawResult>('POST', boot.corpId, `${path}/draw`, { requestId: pendingRef.current });
      pendingRef.current = null;
      land(r, () => {
        setResult(r);
        setBusy(false);
        void load();
        if (r.reward?.kind === 'points') void reload();
      });
    } catch (e) {
      // An answer (a refusal) ends this draw; a lost answer keeps its id for the next tap.
      if (e instanceof CustomerApiError) pendingRef.current = null;
      const msg = e instanceof CustomerApiError ? e.message : '网络不稳定，请再点一次 (network problem: tap again — it will not draw twice)';
      setRefusal(msg);
      toast(msg, true);
      setBusy(false);
      if (e instanceof CustomerApiError && e.status === 409) void load();
    }
  };

  if (loadError) return <div class="c-card c-notice err" data-testid="lottery-error">{loadError}</div>;
  if (!lv) return <div class="c-notice">加载中… <span class="en">Loading…</span></div>;

  const entry = view.entry;
  const left = lv.remaining;
  const out = (left.today !== null && left.today <= 0) || (left.total !== null && left.total <= 0);
  const needBuy = entry.kind === 'paid' && left.paidEntries <= 0;
  const label = busy ? '抽奖中… Drawing…' : out ? '次数已用完 No draws left' : needBuy ? '先购买抽奖机会 Buy a draw first' : '立即抽奖 Draw';

  return (
    <>
      <section class="c-card l-stage">
        {lv.display === 'grid'
          ? <Grid prizes={prizes} lit={lit} won={result?.prize?.id ?? null} />
          : <Wheel prizes={prizes} turn={turn} />}
        <button class="c-btn" data-testid="lottery-draw" disabled={!can || busy || out || needBuy} onClick={() => void draw()}>{label}</button>
        <p class="l-left" data-testid="lottery-remaining">
          {left.today !== null && <span>今日剩余 {left.today} 次 <span class="en">today</span></span>}
          {left.total !== null && <span>共剩余 {left.total} 次 <span class="en">in total</span></span>}
          {entry.kind === 'paid' && <span>已购机会 {left.paidEntries} 次 <span class="en">bought</span></span>}
        </p>
        {entry.kind === 'points' && (
          <p class="c-muted" data-testid="lottery-cost">每次消耗 {entry.points} 积分 · 我的积分 {view.me.points} <span class="en">{entry.points} points a draw · you have {view.me.points}</span></p>
        )}
        {entry.kind === 'paid' && (
          <p class="c-muted" data-testid="lottery-buy">
            ¥{(entry.priceFen / 100).toFixed(2)} 购买 {entry.entriesPerOrder} 次抽奖机会 <span class="en">buys {entry.entriesPerOrder} draw(s)</span>
            {entry.productUrl && <a class="c-btn secondary" href={entry.productUrl} data-testid="lottery-buy-link">去购买 Buy a draw</a>}
          </p>
        )}
        {refusal && <p class="l-refusal" data-testid="lottery-refusal">{refusal}</p>}
      </section>

      {result && (
        <section class={`c-card l-result ${result.won ? 'won' : ''}`} data-testid="lottery-result" data-won={String(result.won)}>
          {result.won && result.prize ? (
            <>
              <h2>恭喜中奖！<span class="en">You won!</span></h2>
              <p class="l-prize">{result.prize.name}</p>
              {result.reward && prizeLine(result.reward) && <p>{prizeLine(result.reward)}</p>}
              {result.reward?.needsAddress && <p class="c-muted">请在下方「我的奖品」中填写收货地址 <span class="en">Give your shipping address under My prizes below.</span></p>}
            </>
          ) : (
            <>
              <h2>谢谢参与 <span class="en">No prize this time</span></h2>
              <p class="c-muted">{result.prize?.name ?? '再接再厉'} <span class="en">Better luck next time.</span></p>
            </>
          )}
        </section>
      )}

      <section class="c-card" data-testid="lottery-my-prizes">
        <h2>我的奖品 <span class="en">My prizes</span></h2>
        {lv.myPrizes.length === 0 ? <p class="c-muted">还没有中奖记录 <span class="en">No prizes yet.</span></p> : (
          <ul class="c-list">
            {lv.myPrizes.map((m) => (
              <li key={m.entryId} data-testid="lottery-my-prize" class={m.needsAddress ? 'l-needs-address' : undefined}>
                <span><b>{m.prizeName}</b><br /><span class="c-muted">{prizeLine(m)}</span></span>
                <span class="c-muted">{stateLabel(m)}</span>
                {m.needsAddress && m.rewardId && <AddressForm corpId={boot.corpId} rewardId={m.rewardId} onDone={() => void load()} />}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function Wheel({ prizes, turn }: { prizes: Prize[]; turn: number }) {
  const n = Math.max(1, prizes.length);
  const seg = 360 / n;
  const stops = prizes.map((_, i) => `${COLORS[i % 2]} ${i * seg}deg ${(i + 1) * seg}deg`).join(',');
  return (
    <div class="l-wheel-box">
      <div class="l-pointer" />
      <div class="l-wheel" data-testid="lottery-wheel" data-turn={turn} style={{ transform: `rotate(${turn}deg)`, background: `conic-gradient(${stops})` }}>
        {prizes.map((p, i) => (
          <div key={p.id} class="l-slot" style={{ transform: `rotate(${i * seg + seg / 2}deg)` }}>
            <span>{p.imageUrl ? <img src={p.imageUrl} alt="" /> : null}{p.name}</span>
          </div>
        ))}
      </div>
    </div>
  );
}

function Grid({ prizes, lit, won }: { prizes: Prize[]; lit: number; won: number | null }) {
  return (
    <div class="l-grid" data-testid="lottery-grid">
      {prizes.map((p, i) => (
        <div key={p.id} class={`l-cell ${i === lit ? 'lit' : ''} ${won === p.id && i === lit ? 'won' : ''}`}>
          {p.imageUrl && <img src={p.imageUrl} alt="" />}
          <span>{p.name}</span>
        </div>
      ))}
    </div>
  );
}
