// On the task page: the running referral programmes open to staff (分销), with the member's own code and link —
// taken with one tap (made once), copied to share with customers. Hidden when there are none.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { z } from 'zod';
import type { MyReferralLink, MyReferralLinks } from '@pond/contracts/referrals';
import { api } from '../api';
import { toast } from '../ui';
import { errText } from '../wecom';

type Link = z.infer<typeof MyReferralLink>;
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export function MyReferrals() {
  const [items, setItems] = useState<Link[] | null>(null);
  const load = useCallback(async () => {
    try { setItems((await api<z.infer<typeof MyReferralLinks>>('GET', '/referrals/my-links')).items); } catch { setItems([]); }
  }, []);
  useEffect(() => { void load(); }, [load]);
  if (!items?.length) return null;

  const take = async (id: number) => {
    try { await api<Link>('POST', `/referrals/${id}/my-link`); await load(); } catch (e) { toast(`失败 Failed: ${errText(e)}`, true); }
  };
  const copy = async (text: string) => {
    try { await navigator.clipboard.writeText(text); toast('已复制 Copied'); } catch { toast('请长按复制 Long-press to copy', true); }
  };
  return (
    <section data-testid="my-referrals">
      <h3>我的推荐链接 <span class="en">My referral links</span></h3>
      {items.map((r) => (
        <div class="task" key={r.campaignId} data-testid="my-referral">
          <b>{r.name}</b>
          {r.code ? (
            <>
              <div>推荐码 <b data-testid="my-referral-code">{r.code}</b>{r.couponCode ? <> · 优惠码 <b>{r.couponCode}</b></> : null}</div>
              <div class="en">好友 {r.referees} · 待结算 {yuan(r.earnings.pendingFen)} · 可结算 {yuan(r.earnings.payableFen)} · 已结算 {yuan(r.earnings.paidFen)}</div>
              <div class="actions"><button onClick={() => void copy(r.link)}>复制链接 Copy link</button></div>
            </>
          ) : (
            <div class="actions"><button class="primary" data-action="take-referral" onClick={() => void take(r.campaignId)}>领取我的推荐链接 Get my link</button></div>
          )}
        </div>
      ))}
    </section>
  );
}
