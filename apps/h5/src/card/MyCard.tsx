// 我的名片 My card: the staff member's own card — their staff live code on a 9:16 poster to share, or the badge —
// drawn by the server (GET /api/posters/staff-cards/<me>/card.png). Long-press saves or forwards it in WeCom; the
// system share sheet is offered where the browser has one. Loaded only when opened (the task page's first load stays small).
import { useEffect, useState } from 'preact/hooks';
import { errText } from '../wecom';
import { toast } from '../ui';

type Size = 'poster' | 'badge';

export function MyCard({ userid, name }: { userid: string; name: string }) {
  const [size, setSize] = useState<Size>('poster');
  const [img, setImg] = useState<{ url: string; blob: Blob } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let url: string | null = null;
    let live = true;
    setImg(null);
    setError(null);
    fetch(`/api/posters/staff-cards/${encodeURIComponent(userid)}/card.png?size=${size}`, { credentials: 'same-origin', headers: { 'x-pond-sidebar': '1' } })
      .then(async (res) => {
        if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`);
        const blob = await res.blob();
        url = URL.createObjectURL(blob);
        if (live) setImg({ url, blob });
      })
      .catch((e: unknown) => { if (live) setError(errText(e)); });
    return () => { live = false; if (url) URL.revokeObjectURL(url); };
  }, [userid, size]);

  async function share() {
    if (!img) return;
    const file = new File([img.blob], `${name}-${size}.png`, { type: 'image/png' });
    try {
      if (navigator.canShare?.({ files: [file] })) await navigator.share({ files: [file], title: name });
      else toast('长按图片保存或转发 Long-press the picture to save or forward it');
    } catch (e) {
      toast(`分享失败 Share failed: ${errText(e)}`, true);
    }
  }

  return (
    <section data-testid="my-card">
      <div class="tabs">
        <button class={size === 'poster' ? 'on' : ''} onClick={() => setSize('poster')}>海报 Poster</button>
        <button class={size === 'badge' ? 'on' : ''} onClick={() => setSize('badge')}>工牌 Badge</button>
      </div>
      {error ? <div class="notice err">名片加载失败 <div class="en">{error}</div></div> : null}
      {!img && !error ? <div class="notice muted">生成中… <div class="en">Drawing your card…</div></div> : null}
      {img ? (
        <>
          <img src={img.url} alt={`${name} 名片 card`} data-testid="my-card-img" style={{ display: 'block', width: '100%', maxWidth: '360px', margin: '8px auto', borderRadius: '6px' }} />
          <div class="muted" style={{ textAlign: 'center', fontSize: '12px' }}>长按图片保存或转发给客户 <span class="en">Long-press to save or forward it</span></div>
          <div class="actions" style={{ justifyContent: 'center' }}>
            <button class="primary" onClick={() => void share()} data-action="share-card">分享 Share</button>
            <a class="btn" href={img.url} download={`${name}-${size}.png`} style={{ padding: '4px 12px', border: '1px solid #dee0e3', borderRadius: '4px', fontSize: '13px', color: '#1f2329', textDecoration: 'none' }}>保存 Save</a>
          </div>
        </>
      ) : null}
    </section>
  );
}
