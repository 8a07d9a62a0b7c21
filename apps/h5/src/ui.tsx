// Small pieces both pages use: a status notice, the toast, and a bilingual label.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** `中文` with the English in grey after it. */
export function T({ zh, en }: { zh: string; en: string }) {
  return (
    <>
      {zh} <span class="en">{en}</span>
    </>
  );
}

export function Notice({ zh, en, error, children }: { zh: string; en: string; error?: boolean; children?: ComponentChildren }) {
  return (
    <div class={`notice ${error ? 'err' : 'muted'}`} data-testid="status">
      {zh}
      <div class="en">{en}</div>
      {children}
    </div>
  );
}

type ToastMsg = { text: string; bad: boolean; n: number };
let show: ((m: ToastMsg) => void) | null = null;
let seq = 0;

/** A short message at the bottom of the page (3 s). */
export function toast(text: string, bad = false): void {
  show?.({ text, bad, n: ++seq });
}

export function Toaster() {
  const [msg, setMsg] = useState<ToastMsg | null>(null);
  useEffect(() => {
    show = setMsg;
    return () => {
      show = null;
    };
  }, []);
  useEffect(() => {
    if (!msg) return;
    const t = setTimeout(() => setMsg(null), 3000);
    return () => clearTimeout(t);
  }, [msg]);
  return msg ? (
    <div class={`toast${msg.bad ? ' bad' : ''}`} data-testid="toast" role="status">
      {msg.text}
    </div>
  ) : null;
}
