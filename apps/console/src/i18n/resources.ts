// Where each namespace's strings come from, per language: one chunk per namespace and language,
// fetched the first time a component of that module renders in that language (or a route preloads
// it), so neither the other language nor other modules' strings are in the initial bundle.
// Keyed by the namespaces i18next.d.ts declares: a namespace without loaders fails the typecheck.
import type { CustomTypeOptions } from 'i18next';
import type { Language } from './languages';
import type { Messages } from './messages';

export type Resources = CustomTypeOptions['resources'];
export type Namespace = keyof Resources;

type Loaders = { [N in Namespace]: Record<Language, () => Promise<{ default: Messages<Resources[N]> }>> };

export const NAMESPACES: Loaders = {
  common: { 'zh-CN': () => import('./common/zh-CN'), 'en-US': () => import('./common/en-US') },
  admin: { 'zh-CN': () => import('../modules/admin/i18n/zh-CN'), 'en-US': () => import('../modules/admin/i18n/en-US') },
  alerts: { 'zh-CN': () => import('../modules/alerts/i18n/zh-CN'), 'en-US': () => import('../modules/alerts/i18n/en-US') },
  campaigns: { 'zh-CN': () => import('../modules/campaigns/i18n/zh-CN'), 'en-US': () => import('../modules/campaigns/i18n/en-US') },
  redpackets: { 'zh-CN': () => import('../modules/redpackets/i18n/zh-CN'), 'en-US': () => import('../modules/redpackets/i18n/en-US') },
  checkin: { 'zh-CN': () => import('../modules/checkin/i18n/zh-CN'), 'en-US': () => import('../modules/checkin/i18n/en-US') },
  archive: { 'zh-CN': () => import('../modules/archive/i18n/zh-CN'), 'en-US': () => import('../modules/archive/i18n/en-US') },
  broadcasts: { 'zh-CN': () => import('../modules/broadcasts/i18n/zh-CN'), 'en-US': () => import('../modules/broadcasts/i18n/en-US') },
  governance: { 'zh-CN': () => import('../modules/governance/i18n/zh-CN'), 'en-US': () => import('../modules/governance/i18n/en-US') },
  tasks: { 'zh-CN': () => import('../modules/tasks/i18n/zh-CN'), 'en-US': () => import('../modules/tasks/i18n/en-US') },
  auth: { 'zh-CN': () => import('../modules/auth/i18n/zh-CN'), 'en-US': () => import('../modules/auth/i18n/en-US') },
  customers: { 'zh-CN': () => import('../modules/customers/i18n/zh-CN'), 'en-US': () => import('../modules/customers/i18n/en-US') },
  groupSegments: { 'zh-CN': () => import('../modules/group-segments/i18n/zh-CN'), 'en-US': () => import('../modules/group-segments/i18n/en-US') },
  groups: { 'zh-CN': () => import('../modules/groups/i18n/zh-CN'), 'en-US': () => import('../modules/groups/i18n/en-US') },
  handover: { 'zh-CN': () => import('../modules/handover/i18n/zh-CN'), 'en-US': () => import('../modules/handover/i18n/en-US') },
  moments: { 'zh-CN': () => import('../modules/moments/i18n/zh-CN'), 'en-US': () => import('../modules/moments/i18n/en-US') },
  liveCodes: { 'zh-CN': () => import('../modules/live-codes/i18n/zh-CN'), 'en-US': () => import('../modules/live-codes/i18n/en-US') },
  offers: { 'zh-CN': () => import('../modules/offers/i18n/zh-CN'), 'en-US': () => import('../modules/offers/i18n/en-US') },
  overview: { 'zh-CN': () => import('../modules/overview/i18n/zh-CN'), 'en-US': () => import('../modules/overview/i18n/en-US') },
  playbooks: { 'zh-CN': () => import('../modules/playbooks/i18n/zh-CN'), 'en-US': () => import('../modules/playbooks/i18n/en-US') },
  posters: { 'zh-CN': () => import('../modules/posters/i18n/zh-CN'), 'en-US': () => import('../modules/posters/i18n/en-US') },
  lottery: { 'zh-CN': () => import('../modules/lottery/i18n/zh-CN'), 'en-US': () => import('../modules/lottery/i18n/en-US') },
  invites: { 'zh-CN': () => import('../modules/invites/i18n/zh-CN'), 'en-US': () => import('../modules/invites/i18n/en-US') },
  scripts: { 'zh-CN': () => import('../modules/scripts/i18n/zh-CN'), 'en-US': () => import('../modules/scripts/i18n/en-US') },
  faq: { 'zh-CN': () => import('../modules/faq/i18n/zh-CN'), 'en-US': () => import('../modules/faq/i18n/en-US') },
  moderation: { 'zh-CN': () => import('../modules/moderation/i18n/zh-CN'), 'en-US': () => import('../modules/moderation/i18n/en-US') },
  segments: { 'zh-CN': () => import('../modules/segments/i18n/zh-CN'), 'en-US': () => import('../modules/segments/i18n/en-US') },
  rewards: { 'zh-CN': () => import('../modules/rewards/i18n/zh-CN'), 'en-US': () => import('../modules/rewards/i18n/en-US') },
  couponPools: { 'zh-CN': () => import('../modules/coupon-pools/i18n/zh-CN'), 'en-US': () => import('../modules/coupon-pools/i18n/en-US') },
  settings: { 'zh-CN': () => import('../modules/settings/i18n/zh-CN'), 'en-US': () => import('../modules/settings/i18n/en-US') },
  staff: { 'zh-CN': () => import('../modules/staff/i18n/zh-CN'), 'en-US': () => import('../modules/staff/i18n/en-US') },
  stores: { 'zh-CN': () => import('../modules/stores/i18n/zh-CN'), 'en-US': () => import('../modules/stores/i18n/en-US') },
  tags: { 'zh-CN': () => import('../modules/tags/i18n/zh-CN'), 'en-US': () => import('../modules/tags/i18n/en-US') },
  welcome: { 'zh-CN': () => import('../modules/welcome/i18n/zh-CN'), 'en-US': () => import('../modules/welcome/i18n/en-US') },
  referrals: { 'zh-CN': () => import('../modules/referrals/i18n/zh-CN'), 'en-US': () => import('../modules/referrals/i18n/en-US') },
  analytics: { 'zh-CN': () => import('../modules/analytics/i18n/zh-CN'), 'en-US': () => import('../modules/analytics/i18n/en-US') },
  staffStats: { 'zh-CN': () => import('../modules/staff-stats/i18n/zh-CN'), 'en-US': () => import('../modules/staff-stats/i18n/en-US') },
  plans: { 'zh-CN': () => import('../modules/plans/i18n/zh-CN'), 'en-US': () => import('../modules/plans/i18n/en-US') },
  fission: { 'zh-CN': () => import('../modules/fission/i18n/zh-CN'), 'en-US': () => import('../modules/fission/i18n/en-US') },
};

export function isNamespace(value: string): value is Namespace {
  return Object.hasOwn(NAMESPACES, value);
}
