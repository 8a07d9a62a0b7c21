// The invite page (任务宝 / 群裂变) inside WeChat: take part, then my poster (long-press to save or share) with my own
// QR, friends counted / pending / voided, the tiers and their rewards ("my prizes"), my friends and the leaderboard.
// Progress is read again every few seconds while the page is open, so a friend's add shows up without a reload.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CustomerInviteView } from '@pond/contracts/invites';
import { capi } from '../api';
import type { KindPageProps } from '../boot';
import { toast } from '../../ui';

const REWARD_STATE: Record<string, string> = { pending: '发放中', issuing: '发放中', issued: '已发放', failed: '发放失败，处理中', void: '已作废' };
const FRIEND_STATE: Record<string, [string, string]> = {
  pending: ['待确认', 'pending'], review: ['审核中', 'in review'], credited: ['已计入', 'counted'], voided: ['未计入', 'not counted'],
};
const RULE: Record<string, string> = { add: '好友添加顾问即计入', group: '好友进群即计入', add_and_stay: '好友添加并保持好友关系后计入' };
const POLL_MS = 4000;

export function InvitePage({ boot, view }: KindPageProps) {
  const [me, setMe] = useState<CustomerInviteView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const base = `/invites/${boot.campaignId}`;
  const canAct = view.me.isCustomer;

  const load = useCallback(async () => {
    if (!canAct) return;
    try {
      setMe(await capi<CustomerInviteView>('GET', boot.corpId, base));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [boot.corpId, base, canAct]);
  useEffect(() => {
    void load();
    const t = setInterval(() => { if (document.visibilityState === 'visible') void load(); }, POLL_MS);
    return () => clearInterval(t);
  }, [load]);

  const join = async () => {
    setBusy(true);
    try {
      setMe(await capi<CustomerInviteView>('POST', boot.corpId, `${base}/join`, {}));
      toast('海报已生成 Your poster is ready');
    } catch (e) {
      toast((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (!canAct) return null;
  if (error) return <div class="c-notice err" data-testid="i-error">{error}</div>;
  if (!me) return <div class="c-notice">加载中… <span class="en">Loading…</span></div>;
  const next = me.tiers.find((t) => !t.reached);
  return (
    <>
      <section class="c-card" data-testid="i-progress">
        <h2>我的邀请 <span class="en">My invitations</span></h2>
        <p class="c-muted">{RULE[me.rule]}{me.holdDays > 0 ? `，${me.holdDays} 天后确认` : ''}</p>
        <div class="i-stats">
          <div><b data-testid="i-credited">{me.progress.credited}</b><span>已计入 <span class="en">counted</span></span></div>
          <div><b data-testid="i-pending">{me.progress.pending}</b><span>待确认 <span class="en">pending</span></span></div>
          <div><b data-testid="i-voided">{me.progress.voided}</b><span>未计入 <span class="en">voided</span></span></div>
        </div>
        {next && (
          <>
            <div class="o-progress"><i style={{ width: `${Math.min(100, (me.progress.credited / next.friends) * 100)}%` }} /></div>
            <p class="c-muted">再邀请 {Math.max(0, next.friends - me.progress.credited)} 位好友可得「{next.title}」 <span class="en">to the next reward</span></p>
          </>
        )}
      </section>

      {!me.joined ? (
        <section class="c-card c-join">
          <p><b>生成专属海报，邀请好友赢奖励</b></p>
          <p class="en">Get your own poster and invite friends.</p>
          <button class="c-btn" disabled={busy || !view.open || !view.me.eligible} onClick={() => void join()} data-testid="i-join">生成我的海报 Get my poster</button>
        </section>
      ) : (
        <section class="c-card i-poster" data-testid="i-poster">
          <h2>我的专属海报 <span class="en">My poster</span></h2>
          {me.posterUrl && <img src={me.posterUrl} alt="poster" data-testid="i-poster-img" />}
          <p class="c-muted">长按图片保存或发送给好友 <span class="en">Long-press to save or send to friends</span></p>
          {me.posterUrl && <a class="c-btn secondary" href={me.posterUrl} download="poster.png">下载海报 Download</a>}
          {me.shareUrl && <p class="c-muted i-link" data-testid="i-share-url">{me.shareUrl}</p>}
        </section>
      )}

      <section class="c-card" data-testid="i-tiers">
        <h2>奖励 · 我的奖品 <span class="en">Rewards · My prizes</span></h2>
        <ul class="c-list">
          {me.tiers.map((t) => (
            <li key={t.friends} data-testid="i-tier">
              <span>邀请 {t.friends} 位 · {t.title}</span>
              <span class={t.reached ? '' : 'c-muted'}>
                {t.reached ? (REWARD_STATE[t.rewardState ?? ''] ?? '已达成') : '未达成'}
                {t.couponCode ? <><br /><span class="o-code">{t.couponCode}</span></> : null}
              </span>
            </li>
          ))}
        </ul>
      </section>

      {me.friends.length > 0 && (
        <section class="c-card" data-testid="i-friends">
          <h2>我邀请的好友 <span class="en">My friends</span></h2>
          <ul class="c-list">
            {me.friends.map((f, i) => <li key={i}><span>{f.name}</span><span class="c-muted">{FRIEND_STATE[f.status][0]} <span class="en">{FRIEND_STATE[f.status][1]}</span></span></li>)}
          </ul>
        </section>
      )}

      <section class="c-card" data-testid="i-board">
        <h2>排行榜 <span class="en">Leaderboard</span></h2>
        {me.leaderboard.length === 0 ? <p class="c-muted">还没有人上榜 <span class="en">No one yet.</span></p> : (
          <ol class="c-list i-board">
            {me.leaderboard.map((r) => (
              <li key={r.rank} class={r.me ? 'i-me' : ''} data-testid="i-board-row"><span>{r.rank}. {r.name}{r.me ? '（我）' : ''}</span><b>{r.credited}</b></li>
            ))}
          </ol>
        )}
        {me.myRank !== null && <p class="c-muted" data-testid="i-my-rank">我的排名：第 {me.myRank} 名 <span class="en">My rank: {me.myRank}</span></p>}
      </section>
    </>
  );
}
