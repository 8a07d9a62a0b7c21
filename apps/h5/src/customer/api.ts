// The customer pages' API (/c/api/<corpId>/…). Identity is the session cookie WeChat OAuth set; nothing in a body
// says who the customer is. Errors carry the server's message (zh-CN with the English in brackets).
import type { CustomerCampaignView } from '@pond/contracts/campaigns-h5';

export class CustomerApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export async function capi<T>(method: 'GET' | 'POST', corpId: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/c/api/${encodeURIComponent(corpId)}${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new CustomerApiError(json.error?.message ?? `网络错误 (HTTP ${res.status})`, res.status);
  return json as T;
}

export const campaignView = (corpId: string, id: number) => capi<CustomerCampaignView>('GET', corpId, `/campaigns/${id}`);

/** A fresh id for one action: a retried request (slow network, double tap) sends the same one. */
export function requestId(): string {
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}
