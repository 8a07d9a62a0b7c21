// The phone's 微信支付 / 零钱 section: what merchants paid this WeChat user by 商家转账到零钱 (pay.ts), and the balance.
import type { SimContext } from './context';
import { esc, t, time } from './pages/html';
import { payWallet } from './pay';

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export async function walletSection(ctx: SimContext, wechatUserId: string, tz: string): Promise<string> {
  const w = await payWallet(ctx, wechatUserId);
  const rows = w.transfers.slice(0, 30)
    .map((x) => `<div class="row"><div class="grow">${esc(x.remark || '商家转账')}<div class="muted">${t('商户', 'merchant')} ${esc(x.mchid)} · ${esc(x.outBatchNo)} · ${time(x.createdAt, tz)}</div></div><b>+${yuan(x.amountFen)}</b></div>`)
    .join('');
  return `<section id="wallet"><h2>${t('微信支付 / 零钱', 'WeChat Pay balance')}</h2>
    <div class="row"><div class="grow">${t('零钱余额', 'Balance')}</div><b data-testid="wallet-balance">${yuan(w.balanceFen)}</b></div>
    ${rows || `<div class="muted">${t('还没有收到转账', 'No transfers received yet')}</div>`}</section>`;
}
