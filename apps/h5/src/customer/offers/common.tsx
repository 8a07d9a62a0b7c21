// Pieces the offer pages share: the offer's state from /c/api/…/offers/:id (with the share link's ?g= / ?b=),
// actions that send a request id (a double tap or a retry is answered the same), a countdown in the corp's zone,
// yuan, avatars. No libraries beyond preact: the customer bundle stays small.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { CustomerOffer } from '@pond/contracts/offers';
import { capi, requestId } from '../api';
import { dateTime, setTimeZone } from '../../format';
import { toast } from '../../ui';
import type { CustomerBoot } from '../boot';

export const yuan = (fen: number) => `¥${(fen / 100).toFixed(fen % 100 === 0 ? 0 : 2)}`;

/** The share link's group-buy (g) or bargain (b). */
function linkParams(): string {
  const q = new URLSearchParams(location.search);
  const out = new URLSearchParams();
  for (const k of ['g', 'b']) { const v = q.get(k); if (v && /^\d{1,15}$/.test(v)) out.set(k, v); }
  const s = out.toString();
  return s ? `?${s}` : '';
}

/** One request id per pending action: a retry of the same tap (after a network failure) sends the same id. */
const pending: Record<string, string> = {};

export function useOffer(boot: CustomerBoot) {
  const [offer, setOffer] = useState<CustomerOffer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  setTimeZone(boot.timezone);
  const base = `/offers/${boot.campaignId}`;
  const load = useCallback(async (query = linkParams()) => {
    try {
      setOffer(await capi<CustomerOffer>('GET', boot.corpId, `${base}${query}`));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [boot.corpId, base]);
  useEffect(() => { void load(); }, [load]);
  const act = useCallback(async <T,>(key: string, path: string): Promise<T | null> => {
    if (busy) return null;
    setBusy(true);
    pending[key] ??= requestId();
    try {
      const out = await capi<T>('POST', boot.corpId, `${base}${path}`, { requestId: pending[key] });
      delete pending[key];
      return out;
    } catch (e) {
      const status = (e as { status?: number }).status ?? 0;
      if (status >= 400 && status < 500) delete pending[key];
      toast((e as Error).message, true);
      return null;
    } finally {
      setBusy(false);
    }
  }, [boot.corpId, base, busy]);
  return { offer, setOffer, error, busy, load, act };
}

function left(ms: number): string {
  if (ms <= 0) return '00:00:00';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return d ? `${d}天 ${hms}` : hms;
}

/** Counts down to `until` (server time corrected by `now`); says when it ends in the corp's zone. */
export function Countdown({ until, now, label, onEnd }: { until: string | Date; now: string | Date; label: [string, string]; onEnd?: () => void }) {
  const [skew] = useState(() => new Date(now).getTime() - Date.now());
  const end = new Date(until).getTime();
  const [ms, setMs] = useState(() => end - (Date.now() + skew));
  const onEndRef = useRef(onEnd);
  useEffect(() => { onEndRef.current = onEnd; });
  useEffect(() => {
    const t = setInterval(() => {
      const m = end - (Date.now() + skew);
      setMs(m);
      if (m <= 0) { clearInterval(t); onEndRef.current?.(); }
    }, 1000);
    return () => clearInterval(t);
  }, [end, skew]);
  return (
    <div class="o-countdown" data-testid="o-countdown">
      {ms > 0 ? <>{label[0]} <b>{left(ms)}</b> <span class="en">{label[1]}</span></> : <>已结束 <span class="en">Ended</span></>}
      <div class="c-muted">截止 {dateTime(new Date(until).toISOString())} <span class="en">ends</span></div>
    </div>
  );
}

export function Avatar({ name, src }: { name: string | null; src: string | null }) {
  return src
    ? <img class="o-avatar" src={src} alt={name ?? ''} />
    : <span class="o-avatar o-avatar-empty">{(name ?? '友').slice(0, 1)}</span>;
}

/** Copies the share link (WeChat's own share menu works too: the page's URL is the link). */
export async function copyLink(url: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(url);
    toast('链接已复制，发给好友吧 (link copied: send it to friends)');
  } catch {
    toast('请点右上角 … 分享给好友 (use the ⋯ menu to share)');
  }
}
