// The customer pages' entry (campaigns inside WeChat): the server says which kind (boot data); each kind's page
// is its own chunk, loaded on demand, so a phone downloads the frame and one page.
import { render, type ComponentType } from 'preact';
import './customer/customer.css';
import { readCustomerBoot, type KindPageProps } from './customer/boot';
import { Shell } from './customer/Shell';
import { Toaster } from './ui';

const PAGES: Record<string, () => Promise<ComponentType<KindPageProps>>> = {
  lottery: () => import('./customer/lottery/LotteryPage').then((m) => m.LotteryPage),
  checkin: () => import('./customer/checkin/CheckinPage').then((m) => m.CheckinPage),
  coupon: () => import('./customer/offers/CouponPage').then((m) => m.CouponPage),
  groupbuy: () => import('./customer/offers/GroupbuyPage').then((m) => m.GroupbuyPage),
  bargain: () => import('./customer/offers/BargainPage').then((m) => m.BargainPage),
  redpacket: () => import('./customer/redpacket/RedpacketPage').then((m) => m.RedpacketPage),
  // Spread (issue 14): referral commission (分销)
  referral: () => import('./customer/referral/ReferralPage').then((m) => m.ReferralPage),
  invite: () => import('./customer/invites/InvitePage').then((m) => m.InvitePage),
};

const boot = readCustomerBoot();
const root = document.getElementById('app')!;
if (boot.page === 'fission') {
  // A fission path's landing page and sign-up form (issue 14): its own chunk, without the campaign frame.
  void import('./customer/fission/FissionPage').then(({ FissionPage }) => {
    root.textContent = '';
    render(<><FissionPage boot={boot} /><Toaster /></>, root);
  });
} else {
  void (PAGES[boot.kind] ?? PAGES.lottery)().then((Page) => {
    root.textContent = '';
    render(<><Shell boot={boot} Page={Page} /><Toaster /></>, root);
  });
}
