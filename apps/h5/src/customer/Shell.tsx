// The frame of every campaign page: loads the campaign, tells a visitor who is not a customer yet how to become
// one (the campaign's code; the page works again after they add), says why a closed campaign is closed, and shows
// the rules. The kind's page renders inside.
import type { ComponentType } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CustomerCampaignView } from '@pond/contracts/campaigns-h5';
import { campaignView } from './api';
import type { CustomerBoot, KindPageProps } from './boot';

export function Shell({ boot, Page }: { boot: CustomerBoot; Page: ComponentType<KindPageProps> }) {
  const [view, setView] = useState<CustomerCampaignView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setView(await campaignView(boot.corpId, boot.campaignId));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [boot.corpId, boot.campaignId]);
  useEffect(() => { void reload(); }, [reload]);
  // Back from adding on WeCom: the page checks again.
  useEffect(() => {
    const again = () => { if (document.visibilityState === 'visible') void reload(); };
    document.addEventListener('visibilitychange', again);
    return () => document.removeEventListener('visibilitychange', again);
  }, [reload]);

  if (error) return <div class="c-notice err" data-testid="c-error">{error}</div>;
  if (!view) return <div class="c-notice">加载中… <span class="en">Loading…</span></div>;
  return (
    <main class="c-main">
      <h1 class="c-title" data-testid="c-title">{view.name}</h1>
      {!view.open && <div class="c-banner" data-testid="c-closed">{view.closedReason}</div>}
      {!view.me.isCustomer ? (
        <div class="c-card c-join" data-testid="c-join">
          <p><b>添加企业微信后即可参与</b></p>
          <p class="en">Add us on WeCom to take part — then come back to this page.</p>
          {view.joinUrl ? <a class="c-btn" href={view.joinUrl} data-testid="c-join-link">去添加 Add now</a> : <p class="en">请联系门店工作人员 Ask our staff for the code.</p>}
        </div>
      ) : !view.me.eligible ? (
        <div class="c-card" data-testid="c-ineligible">{view.me.ineligibleReason}</div>
      ) : null}
      <Page boot={boot} view={view} reload={reload} />
      {view.rules && (
        <section class="c-card c-rules" data-testid="c-rules">
          <h2>活动规则 <span class="en">Rules</span></h2>
          <p>{view.rules}</p>
        </section>
      )}
    </main>
  );
}
