// A service path's page inside WeChat (服务型裂变, issue 14): the operator's landing page (cover, title, body, the
// button), then the customer's steps — their poster (the path's invite campaign), friends toward the form's unlock, the
// sign-up form, and after it the group code to join. Who they are comes from the server session only; while they wait
// for friends the page reads its state again every few seconds.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CustomerFissionView, FormField } from '@pond/contracts/fission';
import type { CustomerInviteView } from '@pond/contracts/invites';
import { capi, CustomerApiError } from '../api';
import type { FissionBoot } from '../boot';
import { toast } from '../../ui';
import './fission.css';

const POLL_MS = 4000;

function Field({ f, value, error, onInput }: { f: FormField; value: string; error?: string; onInput: (v: string) => void }) {
  const id = `f-${f.key}`;
  const common = { id, name: f.key, required: f.required, 'data-testid': `f-field-${f.key}` };
  return (
    <label class="f-field" for={id}>
      <span>{f.label}{f.required ? <i class="f-req">*</i> : null}</span>
      {f.type === 'select' ? (
        <select {...common} value={value} onChange={(e) => onInput((e.target as HTMLSelectElement).value)}>
          <option value="">请选择 Choose…</option>
          {f.options.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      ) : f.type === 'text' && f.maxLength > 60 ? (
        <textarea {...common} maxLength={f.maxLength} value={value} onInput={(e) => onInput((e.target as HTMLTextAreaElement).value)} />
      ) : f.type === 'phone' ? (
        <input {...common} value={value} type="tel" inputMode="tel" maxLength={20} placeholder="11 位手机号 Mobile number"
          onInput={(e) => onInput((e.target as HTMLInputElement).value)} />
      ) : (
        <input {...common} value={value} type="text" maxLength={f.type === 'text' ? f.maxLength : 40}
          onInput={(e) => onInput((e.target as HTMLInputElement).value)} />
      )}
      {error && <em class="f-err" data-testid={`f-error-${f.key}`}>{error}</em>}
    </label>
  );
}

export function FissionPage({ boot }: { boot: FissionBoot }) {
  const [view, setView] = useState<CustomerFissionView | null>(null);
  const [invite, setInvite] = useState<CustomerInviteView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [fieldError, setFieldError] = useState<{ key: string; message: string } | null>(null);
  const path = `/fission/${boot.pathId}`;

  const load = useCallback(async () => {
    try {
      const v = await capi<CustomerFissionView>('GET', boot.corpId, path);
      setView(v);
      if (v.me.joined && v.inviteCampaignId) setInvite(await capi<CustomerInviteView>('GET', boot.corpId, `/invites/${v.inviteCampaignId}`));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [boot.corpId, path]);
  useEffect(() => { void load(); }, [load]);
  // Waiting for friends (or back from adding on WeCom): read again.
  const waiting = !!view && (!view.me.isCustomer || (view.me.joined && !view.me.formUnlocked));
  useEffect(() => {
    if (!waiting) return undefined;
    const t = setInterval(() => { if (document.visibilityState === 'visible') void load(); }, POLL_MS);
    return () => clearInterval(t);
  }, [waiting, load]);

  if (error) return <div class="c-notice err" data-testid="f-error">{error}</div>;
  if (!view) return <div class="c-notice">加载中… <span class="en">Loading…</span></div>;
  const { landing, form, me } = view;

  const start = async () => {
    setStarted(true);
    if (!me.isCustomer || me.joined || !view.inviteCampaignId) return;
    setBusy(true);
    try {
      setInvite(await capi<CustomerInviteView>('POST', boot.corpId, `/invites/${view.inviteCampaignId}/join`, {}));
      await load();
      toast('海报已生成 Your poster is ready');
    } catch (e) {
      toast((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    setFieldError(null);
    try {
      setView(await capi<CustomerFissionView>('POST', boot.corpId, `${path}/submit`, { answers }));
      toast('报名成功 Signed up');
    } catch (e) {
      const m = (e as Error).message;
      const hit = /^answers\.([a-z0-9_]+): (.*)$/.exec(m);
      if (hit) setFieldError({ key: hit[1], message: hit[2] });
      else toast(m);
      if (e instanceof CustomerApiError && e.status === 409) await load();
    } finally {
      setBusy(false);
    }
  };

  const showSteps = started || me.joined || me.submitted;
  const unlock = form?.unlockFriends ?? 0;
  return (
    <main class="c-main f-main">
      {landing?.coverUrl && <img class="f-cover" src={landing.coverUrl} alt="" data-testid="f-cover" />}
      <h1 class="c-title" data-testid="f-title">{landing?.title ?? view.name}</h1>
      {!view.open && <div class="c-banner" data-testid="f-closed">{view.closedReason}</div>}
      {landing?.body && (
        <section class="c-card f-body" data-testid="f-body">
          {landing.body.split(/\n{2,}/).map((para, i) => <p key={i}>{para}</p>)}
        </section>
      )}
      {!showSteps && (
        <button class="c-btn f-cta" disabled={!view.open || busy} onClick={() => void start()} data-testid="f-cta">{landing?.ctaText ?? '立即参与'}</button>
      )}

      {showSteps && !me.isCustomer && (
        <section class="c-card c-join" data-testid="f-join">
          <p><b>添加企业微信后即可参与</b></p>
          <p class="en">Add us on WeCom to take part — then come back to this page.</p>
          {view.joinUrl && <a class="c-btn" href={view.joinUrl} data-testid="f-join-link">去添加 Add now</a>}
        </section>
      )}

      {me.isCustomer && me.joined && !me.submitted && (
        <section class="c-card i-poster" data-testid="f-poster">
          <h2>① 我的专属海报 <span class="en">My poster</span></h2>
          {invite?.posterUrl && <img src={invite.posterUrl} alt="poster" data-testid="f-poster-img" />}
          <p class="c-muted">长按图片保存或发送给好友 <span class="en">Long-press to save or send to friends</span></p>
          {invite?.shareUrl && <p class="c-muted i-link" data-testid="f-share-url">{invite.shareUrl}</p>}
        </section>
      )}

      {me.isCustomer && me.joined && !me.submitted && unlock > 0 && (
        <section class="c-card" data-testid="f-invite">
          <h2>② 邀请好友 <span class="en">Invite friends</span></h2>
          <div class="o-progress"><i style={{ width: `${Math.min(100, (me.credited / unlock) * 100)}%` }} /></div>
          <p class="c-muted" data-testid="f-credited">
            已邀请 {me.credited}/{unlock} 位{me.formUnlocked ? '，报名已解锁' : `，再邀请 ${unlock - me.credited} 位即可报名`}
            <span class="en"> {me.credited}/{unlock} friends{me.formUnlocked ? ' — sign-up unlocked' : ''}</span>
          </p>
        </section>
      )}

      {me.isCustomer && me.formUnlocked && !me.submitted && form && (
        <form class="c-card f-form" onSubmit={(e) => void submit(e)} data-testid="f-form" noValidate>
          <h2>③ {form.title} <span class="en">Sign up</span></h2>
          {form.fields.map((f) => (
            <Field key={f.key} f={f} value={answers[f.key] ?? ''} error={fieldError?.key === f.key ? fieldError.message : undefined}
              onInput={(v) => setAnswers((a) => ({ ...a, [f.key]: v }))} />
          ))}
          <button class="c-btn" type="submit" disabled={busy || !view.open} data-testid="f-submit">{form.submitText}</button>
        </form>
      )}

      {me.submitted && (
        <section class="c-card f-done" data-testid="f-done">
          <h2>报名成功 <span class="en">You are signed up</span></h2>
          <ul class="c-list">
            {form?.fields.filter((f) => me.answers?.[f.key]).map((f) => <li key={f.key}><span>{f.label}</span><span>{me.answers![f.key]}</span></li>)}
          </ul>
          {me.groupUrl ? (
            <>
              <p class="c-muted">最后一步：加入服务群，享受服务 <span class="en">Last step: join the group</span></p>
              <a class="c-btn" href={me.groupUrl} data-testid="f-group-link">加入群聊 Join the group</a>
            </>
          ) : <p class="c-muted">工作人员会尽快联系您 <span class="en">We will be in touch.</span></p>}
        </section>
      )}
    </main>
  );
}
