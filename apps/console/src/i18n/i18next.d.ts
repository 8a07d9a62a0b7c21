// Every namespace of the console and its keys (the zh-CN file's), so `t()` accepts only keys that
// exist: unprefixed ones of the component's first namespace, `ns:key` of the others it lists in
// useTranslation([...]) (and so loads). resources.ts must have a loader for each one listed here.
import 'i18next';
import type common from './common/zh-CN';
import type admin from '../modules/admin/i18n/zh-CN';
import type alerts from '../modules/alerts/i18n/zh-CN';
import type auth from '../modules/auth/i18n/zh-CN';
import type broadcasts from '../modules/broadcasts/i18n/zh-CN';
import type governance from '../modules/governance/i18n/zh-CN';
import type tasks from '../modules/tasks/i18n/zh-CN';
import type customers from '../modules/customers/i18n/zh-CN';
import type groupSegments from '../modules/group-segments/i18n/zh-CN';
import type groups from '../modules/groups/i18n/zh-CN';
import type handover from '../modules/handover/i18n/zh-CN';
import type moments from '../modules/moments/i18n/zh-CN';
import type liveCodes from '../modules/live-codes/i18n/zh-CN';
import type offers from '../modules/offers/i18n/zh-CN';
import type overview from '../modules/overview/i18n/zh-CN';
import type analytics from '../modules/analytics/i18n/zh-CN';
import type plans from '../modules/plans/i18n/zh-CN';
import type playbooks from '../modules/playbooks/i18n/zh-CN';
import type posters from '../modules/posters/i18n/zh-CN';
import type lottery from '../modules/lottery/i18n/zh-CN';
import type campaigns from '../modules/campaigns/i18n/zh-CN';
import type redpackets from '../modules/redpackets/i18n/zh-CN';
import type invites from '../modules/invites/i18n/zh-CN';
import type fission from '../modules/fission/i18n/zh-CN';
import type checkin from '../modules/checkin/i18n/zh-CN';
import type referrals from '../modules/referrals/i18n/zh-CN';
import type archive from '../modules/archive/i18n/zh-CN';
import type scripts from '../modules/scripts/i18n/zh-CN';
import type faq from '../modules/faq/i18n/zh-CN';
import type moderation from '../modules/moderation/i18n/zh-CN';
import type segments from '../modules/segments/i18n/zh-CN';
import type settings from '../modules/settings/i18n/zh-CN';
import type rewards from '../modules/rewards/i18n/zh-CN';
import type couponPools from '../modules/coupon-pools/i18n/zh-CN';
import type staff from '../modules/staff/i18n/zh-CN';
import type stores from '../modules/stores/i18n/zh-CN';
import type tags from '../modules/tags/i18n/zh-CN';
import type welcome from '../modules/welcome/i18n/zh-CN';
import type staffStats from '../modules/staff-stats/i18n/zh-CN';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: {
      common: typeof common;
      admin: typeof admin;
      alerts: typeof alerts;
      auth: typeof auth;
      broadcasts: typeof broadcasts;
      governance: typeof governance;
      tasks: typeof tasks;
      customers: typeof customers;
      groupSegments: typeof groupSegments;
      groups: typeof groups;
      handover: typeof handover;
      moments: typeof moments;
      liveCodes: typeof liveCodes;
      offers: typeof offers;
      overview: typeof overview;
      playbooks: typeof playbooks;
      posters: typeof posters;
      lottery: typeof lottery;
      campaigns: typeof campaigns;
      redpackets: typeof redpackets;
      invites: typeof invites;
      fission: typeof fission;
      checkin: typeof checkin;
      archive: typeof archive;
      scripts: typeof scripts;
      faq: typeof faq;
      moderation: typeof moderation;
      segments: typeof segments;
      settings: typeof settings;
      rewards: typeof rewards;
      couponPools: typeof couponPools;
      staff: typeof staff;
      stores: typeof stores;
      tags: typeof tags;
      welcome: typeof welcome;
      referrals: typeof referrals;
      analytics: typeof analytics;
      staffStats: typeof staffStats;
      plans: typeof plans;
    };
  }
}
