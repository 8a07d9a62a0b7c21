// The route × role matrix: every route Pond serves, for every kind of caller — admin, operator, store
// manager, staff, no credentials, and another corp's admin — with ids inside and outside the caller's
// scope. A route missing from MATRIX fails the test, so a new route is reviewed here before it ships.
//
// What is asserted, per route:
// - nobody: 401 (before the body is read: every request here carries a body the schema would refuse);
// - a role not in the row: 403;
// - another corp's admin, with this corp's ids: 404; on lists: none of this corp's data;
// - an allowed role, with ids in its scope: neither 401, 403 nor 404 (a 400 for the deliberately bad
//   body is fine: it means access was granted);
// - store manager and staff, with ids outside their scope: 404;
// - store manager and staff on lists (`list`): none of the rows marked as outside their scope.
// Rows outside a store manager's store carry the marker ZZOUT in their names; rows inside the store but
// not the staff member's carry ZZNOTX.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';

type Who = 'admin' | 'operator' | 'store_manager' | 'staff';
const ALL: Who[] = ['admin', 'operator', 'store_manager', 'staff'];
const WRITE: Who[] = ['admin', 'operator'];
const ADMIN: Who[] = ['admin'];
/** Playbooks are read by those who plan and oversee the work (staff meet them as tasks). */
const PLAYBOOK_READ: Who[] = ['admin', 'operator', 'store_manager'];

type Kind =
  | 'customer' | 'staff' | 'group' | 'liveCode' | 'store' | 'tag' | 'tagGroup' | 'segment' | 'groupSegment' | 'welcomeTemplate'
  | 'groupWelcomeTemplate' | 'script' | 'scriptFolder' | 'autoTagRule' | 'bulkTagJob' | 'handoverJob' | 'note' | 'alert' | 'apiToken'
  | 'user' | 'corp' | 'token' | 'key' | 'task' | 'broadcast' | 'moment' | 'playbook' | 'campaign' | 'offer' | 'reward' | 'couponPool' | 'checkinCampaign'
  | 'redpacket'
  | 'referralCampaign'
  | 'posterTemplate'
  | 'inviteCampaign' | 'inviteCredit' | 'inviteToken'
  | 'faq' | 'faqQuestion' | 'interceptRule' | 'archivedMessage'
  | 'plan' | 'fissionPath';

interface Row {
  roles: Who[] | 'public';
  /** Path params and what they name. */
  params?: Record<string, Kind>;
  /** A list or aggregate narrowed to the caller's scope: marker check. */
  list?: boolean;
  /** Runs its action without a body (DELETE, archive…): in-scope calls get a fresh resource each. */
  destructive?: boolean;
  /** A public route: what an anonymous call may answer (it authenticates by other means). */
  anonymous?: number[];
}

const MATRIX: Record<string, Row> = {
  'POST /api/auth/login': { roles: 'public', anonymous: [400] },
  'POST /api/auth/logout': { roles: 'public', anonymous: [200] },
  'GET /api/me': { roles: ALL },
  'GET /api/governance/policy': { roles: ALL },
  'PUT /api/governance/policy': { roles: ADMIN },
  'GET /api/customers/:externalUserid/contacts': { roles: ALL, params: { externalUserid: 'customer' } },
  'GET /api/customers/:externalUserid/budget': { roles: ALL, params: { externalUserid: 'customer' } },
  'GET /api/tasks': { roles: ALL, list: true },
  'POST /api/tasks': { roles: WRITE },
  'GET /api/tasks/board': { roles: ['admin', 'operator', 'store_manager'], list: true },
  'GET /api/tasks/:id': { roles: ALL, params: { id: 'task' } },
  'GET /api/tasks/:id/messages': { roles: ALL, params: { id: 'task' } },
  'POST /api/tasks/:id/done': { roles: ALL, params: { id: 'task' } },
  'POST /api/tasks/:id/skip': { roles: ALL, params: { id: 'task' } },
  'GET /api/broadcasts': { roles: WRITE },
  'POST /api/broadcasts': { roles: WRITE },
  'POST /api/broadcasts/preview': { roles: WRITE },
  'GET /api/broadcasts/:id': { roles: WRITE, params: { id: 'broadcast' } },
  'PATCH /api/broadcasts/:id': { roles: WRITE, params: { id: 'broadcast' } },
  'DELETE /api/broadcasts/:id': { roles: WRITE, params: { id: 'broadcast' }, destructive: true },
  'POST /api/broadcasts/:id/send': { roles: WRITE, params: { id: 'broadcast' } },
  'POST /api/broadcasts/:id/cancel': { roles: WRITE, params: { id: 'broadcast' }, destructive: true },
  'POST /api/broadcasts/:id/remind': { roles: WRITE, params: { id: 'broadcast' } },
  'GET /api/broadcasts/:id/targets': { roles: WRITE, params: { id: 'broadcast' } },
  'GET /api/moments': { roles: ALL, list: true },
  'POST /api/moments': { roles: WRITE },
  'POST /api/moments/preview': { roles: WRITE },
  'POST /api/moments/sync': { roles: WRITE },
  'GET /api/moments/:id': { roles: ALL, params: { id: 'moment' } },
  'GET /api/moments/:id/interactions': { roles: ALL, params: { id: 'moment' }, list: true },
  'POST /api/moments/:id/publish': { roles: WRITE, params: { id: 'moment' } },
  'POST /api/moments/:id/cancel': { roles: WRITE, params: { id: 'moment' }, destructive: true },
  'POST /api/moments/:id/remind': { roles: WRITE, params: { id: 'moment' } },
  'POST /api/moments/:id/refresh': { roles: WRITE, params: { id: 'moment' } },
  'POST /api/me/corp': { roles: ALL },
  'GET /api/corps': { roles: ALL, list: true },
  'POST /api/corps': { roles: ADMIN },
  'GET /api/users': { roles: ADMIN },
  'POST /api/users': { roles: ADMIN },
  'PATCH /api/users/:id': { roles: ADMIN, params: { id: 'user' } },
  'DELETE /api/users/:id': { roles: ADMIN, params: { id: 'user' }, destructive: true },
  'POST /api/users/:id/invitation': { roles: ADMIN, params: { id: 'user' } },
  'GET /invite/:code': { roles: 'public', params: { code: 'token' }, anonymous: [404] },
  'POST /api/invitations/redeem': { roles: 'public', anonymous: [400] },
  'GET /api/tokens': { roles: ADMIN },
  'POST /api/tokens': { roles: ADMIN },
  'DELETE /api/tokens/:id': { roles: ADMIN, params: { id: 'apiToken' }, destructive: true },
  'GET /api/audit': { roles: ADMIN },
  'GET /api/audit/actions': { roles: ADMIN },
  'GET /wecom/callback': { roles: 'public', anonymous: [400, 401, 404] },
  'GET /wecom/callback/:corpId': { roles: 'public', params: { corpId: 'corp' }, anonymous: [400, 401] },
  'POST /wecom/callback': { roles: 'public', anonymous: [400, 401, 404] },
  'POST /wecom/callback/:corpId': { roles: 'public', params: { corpId: 'corp' }, anonymous: [400, 401] },
  'POST /webhooks/orders/:corpId/:token': { roles: 'public', params: { corpId: 'corp', token: 'token' }, anonymous: [401] },
  'GET /api/customers/:externalUserid/orders': { roles: ALL, params: { externalUserid: 'customer' } },
  'GET /api/settings/orders': { roles: ALL },
  'PUT /api/settings/rfm': { roles: WRITE },
  'POST /api/settings/orders/webhook-token': { roles: ADMIN, destructive: true },
  'PATCH /api/customers/:externalUserid/follows/:userid': { roles: ALL, params: { externalUserid: 'customer', userid: 'staff' } },
  'POST /api/customers/:externalUserid/follows/:userid/tags': { roles: ALL, params: { externalUserid: 'customer', userid: 'staff' } },
  'GET /api/customers/:externalUserid/notes': { roles: ALL, params: { externalUserid: 'customer' } },
  'POST /api/customers/:externalUserid/notes': { roles: ALL, params: { externalUserid: 'customer' } },
  'DELETE /api/customers/:externalUserid/notes/:id': { roles: ALL, params: { externalUserid: 'customer', id: 'note' }, destructive: true },
  'GET /api/customers': { roles: ALL, list: true },
  'GET /api/customers.csv': { roles: ALL, list: true },
  'GET /api/customers/:externalUserid': { roles: ALL, params: { externalUserid: 'customer' } },
  'GET /api/customers/:externalUserid/timeline': { roles: ALL, params: { externalUserid: 'customer' } },
  'POST /api/group-segments/preview': { roles: ALL },
  'GET /api/group-segments': { roles: ALL },
  'POST /api/group-segments': { roles: WRITE },
  'PATCH /api/group-segments/:id': { roles: WRITE, params: { id: 'groupSegment' } },
  'DELETE /api/group-segments/:id': { roles: WRITE, params: { id: 'groupSegment' }, destructive: true },
  'GET /api/group-segments/:id/groups': { roles: ALL, params: { id: 'groupSegment' }, list: true },
  'GET /api/group-segments/:id/export.csv': { roles: ALL, params: { id: 'groupSegment' }, list: true },
  'GET /api/groups': { roles: ALL, list: true },
  'GET /api/group-tiers': { roles: ALL, list: true },
  'PATCH /api/groups/:chatId': { roles: ['admin', 'operator', 'store_manager'], params: { chatId: 'group' } },
  'GET /api/groups/:chatId': { roles: ALL, params: { chatId: 'group' } },
  'POST /api/handover/preview': { roles: WRITE },
  'POST /api/handover/jobs': { roles: WRITE },
  'GET /api/handover/jobs': { roles: WRITE },
  'GET /api/handover/jobs/:id': { roles: WRITE, params: { id: 'handoverJob' } },
  'POST /api/handover/jobs/:id/refresh': { roles: WRITE, params: { id: 'handoverJob' } },
  'GET /api/handover/unassigned': { roles: WRITE },
  'POST /api/imports/customer-attributes': { roles: WRITE },
  'POST /api/imports/followers': { roles: WRITE },
  'GET /api/leads': { roles: WRITE },
  'GET /l/:key': { roles: 'public', params: { key: 'key' }, anonymous: [200] },
  'GET /api/live-codes': { roles: ALL, list: true },
  'POST /api/live-codes': { roles: WRITE },
  'GET /api/live-codes/:id': { roles: ALL, params: { id: 'liveCode' } },
  'PATCH /api/live-codes/:id': { roles: WRITE, params: { id: 'liveCode' } },
  'POST /api/live-codes/:id/archive': { roles: WRITE, params: { id: 'liveCode' }, destructive: true },
  'GET /api/live-codes/:id/stats': { roles: ALL, params: { id: 'liveCode' } },
  'GET /api/live-codes/:id/stats.csv': { roles: ALL, params: { id: 'liveCode' } },
  'GET /api/channel-stats': { roles: ALL, list: true },
  'GET /api/live-codes/:id/qr.png': { roles: ALL, params: { id: 'liveCode' } },
  'GET /api/live-codes/:id/qr.svg': { roles: ALL, params: { id: 'liveCode' } },
  'GET /api/acquisition-links/settings': { roles: WRITE },
  'PUT /api/acquisition-links/settings': { roles: ADMIN },
  'GET /api/acquisition-links/quota': { roles: WRITE },
  'GET /api/alerts': { roles: ALL, list: true },
  'POST /api/alerts/:id/read': { roles: ALL, params: { id: 'alert' } },
  'POST /api/media': { roles: WRITE },
  'GET /api/media': { roles: ALL },
  'GET /api/departments': { roles: ALL },
  'GET /api/stores': { roles: ALL, list: true },
  'POST /api/stores': { roles: WRITE },
  'PATCH /api/stores/:id': { roles: WRITE, params: { id: 'store' } },
  'DELETE /api/stores/:id': { roles: WRITE, params: { id: 'store' }, destructive: true },
  'GET /api/staff': { roles: ALL, list: true },
  'GET /api/overview': { roles: ALL },
  'GET /api/script-folders': { roles: ALL },
  'POST /api/script-folders': { roles: WRITE },
  'DELETE /api/script-folders/:id': { roles: WRITE, params: { id: 'scriptFolder' }, destructive: true },
  'GET /api/scripts': { roles: ALL },
  'POST /api/scripts': { roles: WRITE },
  'PATCH /api/scripts/:id': { roles: WRITE, params: { id: 'script' } },
  'DELETE /api/scripts/:id': { roles: WRITE, params: { id: 'script' }, destructive: true },
  'GET /api/scripts/:id/render': { roles: ALL, params: { id: 'script' } },
  'POST /api/scripts/:id/used': { roles: ALL, params: { id: 'script' } },
  'POST /api/segments/preview': { roles: ALL },
  'GET /api/segments': { roles: ALL },
  'POST /api/segments': { roles: WRITE },
  'PATCH /api/segments/:id': { roles: WRITE, params: { id: 'segment' } },
  'DELETE /api/segments/:id': { roles: WRITE, params: { id: 'segment' }, destructive: true },
  'GET /api/segments/:id/members': { roles: ALL, params: { id: 'segment' }, list: true },
  'GET /api/segments/:id/export.csv': { roles: ALL, params: { id: 'segment' }, list: true },
  'GET /api/settings/corp': { roles: WRITE },
  'PUT /api/settings/corp': { roles: ADMIN },
  'GET /api/settings/checklist': { roles: WRITE },
  'POST /api/settings/checklist/run': { roles: WRITE },
  'GET /api/sync/runs': { roles: WRITE },
  'POST /api/sync/runs': { roles: WRITE },
  'GET /h5/assets/:file': { roles: 'public', params: { file: 'token' }, anonymous: [404] },
  'GET /sidebar/:corpId': { roles: 'public', params: { corpId: 'corp' }, anonymous: [200, 302] },
  'GET /tasks/:corpId': { roles: 'public', params: { corpId: 'corp' }, anonymous: [200, 302] },
  'GET /api/sidebar/config': { roles: ALL },
  'GET /api/sidebar/customers/:externalUserid': { roles: ALL, params: { externalUserid: 'customer' } },
  'GET /api/auto-tag-rules': { roles: ALL },
  'POST /api/auto-tag-rules': { roles: WRITE },
  'PATCH /api/auto-tag-rules/:id': { roles: WRITE, params: { id: 'autoTagRule' } },
  'DELETE /api/auto-tag-rules/:id': { roles: WRITE, params: { id: 'autoTagRule' }, destructive: true },
  'POST /api/auto-tag-rules/:id/backfill': { roles: WRITE, params: { id: 'autoTagRule' } },
  'POST /api/bulk-tag-jobs': { roles: ALL },
  'GET /api/bulk-tag-jobs': { roles: ALL, list: true },
  'GET /api/bulk-tag-jobs/:id': { roles: ALL, params: { id: 'bulkTagJob' } },
  'POST /api/bulk-tag-jobs/:id/cancel': { roles: WRITE, params: { id: 'bulkTagJob' } },
  'GET /api/tags': { roles: ALL },
  'POST /api/tag-groups': { roles: WRITE },
  'PATCH /api/tag-groups/:id': { roles: WRITE, params: { id: 'tagGroup' } },
  'DELETE /api/tag-groups/:id': { roles: WRITE, params: { id: 'tagGroup' }, destructive: true },
  'POST /api/tags': { roles: WRITE },
  'PATCH /api/tags/:id': { roles: WRITE, params: { id: 'tag' } },
  'DELETE /api/tags/:id': { roles: WRITE, params: { id: 'tag' }, destructive: true },
  'GET /api/group-welcome-templates': { roles: ALL },
  'POST /api/group-welcome-templates': { roles: WRITE },
  'PATCH /api/group-welcome-templates/:templateId': { roles: WRITE, params: { templateId: 'groupWelcomeTemplate' } },
  'DELETE /api/group-welcome-templates/:templateId': { roles: WRITE, params: { templateId: 'groupWelcomeTemplate' }, destructive: true },
  'GET /api/welcome-templates': { roles: ALL },
  'POST /api/welcome-templates': { roles: WRITE },
  'POST /api/welcome-templates/preview': { roles: ALL },
  'GET /api/welcome-templates/:id': { roles: ALL, params: { id: 'welcomeTemplate' } },
  'PATCH /api/welcome-templates/:id': { roles: WRITE, params: { id: 'welcomeTemplate' } },
  'DELETE /api/welcome-templates/:id': { roles: WRITE, params: { id: 'welcomeTemplate' }, destructive: true },
  'GET /api/welcome-sends': { roles: ALL, list: true },
  'GET /api/playbooks': { roles: PLAYBOOK_READ, list: true },
  'POST /api/playbooks': { roles: WRITE },
  'POST /api/playbooks/schedule-preview': { roles: PLAYBOOK_READ },
  'GET /api/playbooks/:id': { roles: PLAYBOOK_READ, params: { id: 'playbook' } },
  'PATCH /api/playbooks/:id': { roles: WRITE, params: { id: 'playbook' } },
  'DELETE /api/playbooks/:id': { roles: WRITE, params: { id: 'playbook' }, destructive: true },
  'POST /api/playbooks/:id/activate': { roles: WRITE, params: { id: 'playbook' } },
  'POST /api/playbooks/:id/pause': { roles: WRITE, params: { id: 'playbook' } },
  'POST /api/playbooks/:id/enrolments': { roles: WRITE, params: { id: 'playbook' } },
  'POST /api/playbooks/:id/exit': { roles: WRITE, params: { id: 'playbook' } },
  'GET /api/playbooks/:id/enrolments': { roles: PLAYBOOK_READ, params: { id: 'playbook' }, list: true },
  'GET /api/playbooks/:id/runs': { roles: PLAYBOOK_READ, params: { id: 'playbook' }, list: true },
  'GET /api/playbooks/:id/stats': { roles: PLAYBOOK_READ, params: { id: 'playbook' }, list: true },
  'GET /api/playbooks/:id/upcoming': { roles: PLAYBOOK_READ, params: { id: 'playbook' }, list: true },
  'GET /healthz': { roles: 'public', anonymous: [200] },
  // Activate (issue 13): campaigns' shared routes, the customer page and its API (identity from the WeChat session only).
  'GET /api/campaigns': { roles: ALL },
  'POST /api/campaigns/:id/status': { roles: WRITE, params: { id: 'campaign' } },
  'GET /c/:corpId/:id': { roles: 'public', params: { corpId: 'corp', id: 'campaign' }, anonymous: [200] },
  'GET /c/api/:corpId/campaigns/:id': { roles: 'public', params: { corpId: 'corp', id: 'campaign' }, anonymous: [401] },
  // Offers (coupons, group-buy, bargain): the console's routes, and the offer pages' API (identity from the WeChat session only).
  'POST /api/offers/coupon': { roles: WRITE },
  'POST /api/offers/groupbuy': { roles: WRITE },
  'POST /api/offers/bargain': { roles: WRITE },
  'PATCH /api/offers/:id': { roles: WRITE, params: { id: 'offer' } },
  'GET /api/offers/:id': { roles: ALL, params: { id: 'offer' } },
  'GET /api/offers/:id/groupbuys': { roles: ALL, params: { id: 'offer' } },
  'GET /api/offers/:id/bargains': { roles: ALL, params: { id: 'offer' } },
  'POST /api/redpackets': { roles: WRITE },
  'PATCH /api/redpackets/:id': { roles: WRITE, params: { id: 'redpacket' } },
  'GET /api/redpackets/:id': { roles: ALL, params: { id: 'redpacket' } },
  'GET /c/api/:corpId/redpackets/:id': { roles: 'public', params: { corpId: 'corp', id: 'redpacket' }, anonymous: [401] },
  'POST /c/api/:corpId/redpackets/:id/claim': { roles: 'public', params: { corpId: 'corp', id: 'redpacket' }, anonymous: [400, 401] },
  'GET /c/api/:corpId/offers/:id': { roles: 'public', params: { corpId: 'corp', id: 'offer' }, anonymous: [401] },
  'POST /c/api/:corpId/offers/:id/claim': { roles: 'public', params: { corpId: 'corp', id: 'offer' }, anonymous: [400, 401] },
  'POST /c/api/:corpId/offers/:id/groupbuys': { roles: 'public', params: { corpId: 'corp', id: 'offer' }, anonymous: [400, 401] },
  'POST /c/api/:corpId/offers/:id/groupbuys/:groupbuyId/join': { roles: 'public', params: { corpId: 'corp', id: 'offer', groupbuyId: 'offer' }, anonymous: [400, 401] },
  'POST /c/api/:corpId/offers/:id/bargains': { roles: 'public', params: { corpId: 'corp', id: 'offer' }, anonymous: [400, 401] },
  'POST /c/api/:corpId/offers/:id/bargains/:bargainId/help': { roles: 'public', params: { corpId: 'corp', id: 'offer', bargainId: 'offer' }, anonymous: [400, 401] },
  'POST /c/api/:corpId/offers/:id/bargains/:bargainId/buy': { roles: 'public', params: { corpId: 'corp', id: 'offer', bargainId: 'offer' }, anonymous: [400, 401] },
  // The reward ledger: rewards are seen by whoever sees their customer; payouts are admins'; coupon pools operators'.
  'GET /api/rewards': { roles: ALL, list: true },
  'GET /api/rewards/export': { roles: ['admin', 'operator', 'store_manager'], list: true },
  'GET /api/rewards/:id': { roles: ALL, params: { id: 'reward' } },
  'POST /api/rewards/:id/retry': { roles: WRITE, params: { id: 'reward' } },
  'POST /api/rewards/:id/issued': { roles: WRITE, params: { id: 'reward' } },
  'POST /api/rewards/:id/void': { roles: WRITE, params: { id: 'reward' } },
  'GET /api/customers/:externalUserid/rewards': { roles: ALL, params: { externalUserid: 'customer' } },
  'GET /api/settings/rewards': { roles: ADMIN },
  'PUT /api/settings/rewards': { roles: ADMIN },
  'POST /api/settings/rewards/webhook-secret': { roles: ADMIN },
  'GET /api/coupon-pools': { roles: WRITE },
  'POST /api/coupon-pools': { roles: WRITE },
  'GET /api/coupon-pools/:id': { roles: WRITE, params: { id: 'couponPool' } },
  'PATCH /api/coupon-pools/:id': { roles: WRITE, params: { id: 'couponPool' } },
  'DELETE /api/coupon-pools/:id': { roles: WRITE, params: { id: 'couponPool' }, destructive: true },
  'POST /api/coupon-pools/:id/codes/import': { roles: WRITE, params: { id: 'couponPool' } },
  'POST /api/coupon-pools/:id/codes/generate': { roles: WRITE, params: { id: 'couponPool' } },
  'GET /api/coupon-pools/:id/codes': { roles: WRITE, params: { id: 'couponPool' } },
  'GET /c/api/:corpId/rewards': { roles: 'public', params: { corpId: 'corp' }, anonymous: [401] },
  // A write from no page at all is refused (same-origin check) or its body first.
  'POST /c/api/:corpId/rewards/:id/address': { roles: 'public', params: { corpId: 'corp', id: 'reward' }, anonymous: [400, 403] },
  // Lottery (抽奖): the console's routes and the customer page's API (a body is the request id only: the anonymous array body is a 400).
  'POST /api/lotteries': { roles: WRITE },
  'GET /api/lotteries/:id': { roles: ALL, params: { id: 'campaign' } },
  'PATCH /api/lotteries/:id': { roles: WRITE, params: { id: 'campaign' } },
  'GET /api/lotteries/:id/winners': { roles: ALL, params: { id: 'campaign' } },
  'GET /api/lotteries/:id/winners.csv': { roles: WRITE, params: { id: 'campaign' } },
  'GET /c/api/:corpId/lottery/:id': { roles: 'public', params: { corpId: 'corp', id: 'campaign' }, anonymous: [401] },
  'POST /c/api/:corpId/lottery/:id/draw': { roles: 'public', params: { corpId: 'corp', id: 'campaign' }, anonymous: [400, 401] },
  // Check-in (签到 / 打卡挑战): the console's routes and the customer page's API (identity from the WeChat session only).
  'POST /api/checkins': { roles: WRITE },
  'GET /api/checkins/:id': { roles: ALL, params: { id: 'checkinCampaign' } },
  'PATCH /api/checkins/:id': { roles: WRITE, params: { id: 'checkinCampaign' } },
  'GET /api/checkins/:id/participants': { roles: WRITE, params: { id: 'checkinCampaign' } },
  'GET /c/api/:corpId/checkin/:id': { roles: 'public', params: { corpId: 'corp', id: 'checkinCampaign' }, anonymous: [401] },
  'POST /c/api/:corpId/checkin/:id/checkin': { roles: 'public', params: { corpId: 'corp', id: 'checkinCampaign' }, anonymous: [400, 401] },
  'POST /c/api/:corpId/checkin/:id/makeup': { roles: 'public', params: { corpId: 'corp', id: 'checkinCampaign' }, anonymous: [400, 401] },
  // Referral commission (分销): the console's programme, lists, payouts; staff's own link; the customer page's API.
  'POST /api/referrals': { roles: WRITE },
  'GET /api/referrals/my-links': { roles: ALL },
  'GET /api/referrals/:id': { roles: ALL, params: { id: 'referralCampaign' } },
  'PATCH /api/referrals/:id': { roles: WRITE, params: { id: 'referralCampaign' } },
  'GET /api/referrals/:id/referrers': { roles: WRITE, params: { id: 'referralCampaign' } },
  'GET /api/referrals/:id/commissions': { roles: WRITE, params: { id: 'referralCampaign' } },
  'GET /api/referrals/:id/payouts': { roles: WRITE, params: { id: 'referralCampaign' } },
  'POST /api/referrals/:id/payouts': { roles: WRITE, params: { id: 'referralCampaign' } },
  'GET /api/referrals/:id/payouts.csv': { roles: WRITE, params: { id: 'referralCampaign' } },
  'POST /api/referrals/:id/my-link': { roles: ALL, params: { id: 'referralCampaign' } },
  'GET /c/api/:corpId/referral/:id': { roles: 'public', params: { corpId: 'corp', id: 'referralCampaign' }, anonymous: [401] },
  'POST /c/api/:corpId/referral/:id/join': { roles: 'public', params: { corpId: 'corp', id: 'referralCampaign' }, anonymous: [400, 401] },
  'POST /c/api/:corpId/referral/:id/touch': { roles: 'public', params: { corpId: 'corp', id: 'referralCampaign' }, anonymous: [400, 401] },
  // Measure: funnel, cohorts, commerce (issue 15, modules/analytics)
  'GET /api/analytics/funnel': { roles: ALL },
  'GET /api/analytics/cohorts': { roles: ALL },
  'GET /api/analytics/commerce': { roles: ALL },
  'GET /api/analytics/channels': { roles: ALL },
  'GET /api/analytics/settings': { roles: ALL },
  'PUT /api/analytics/settings': { roles: WRITE },
  'POST /api/analytics/refresh': { roles: ADMIN },
  // Measure: staff daily stats and group health (issue 15). Those who oversee staff read them (store managers their stores'); staff do not.
  'GET /api/staff-stats': { roles: PLAYBOOK_READ, list: true },
  'GET /api/staff-stats.csv': { roles: PLAYBOOK_READ, list: true },
  'GET /api/staff-stats/runs': { roles: WRITE },
  'POST /api/staff-stats/backfill': { roles: WRITE },
  'GET /api/staff-stats/settings': { roles: PLAYBOOK_READ },
  'PUT /api/staff-stats/settings': { roles: ADMIN },
  'GET /api/group-health': { roles: PLAYBOOK_READ, list: true },
  // Posters (issue 14): templates are corp-wide designs (operators edit them); the live code's poster URLs draw through them;
  // staff cards follow the staff member's scope (a staff member their own, a store manager their stores').
  'GET /api/poster-templates': { roles: ALL },
  'POST /api/poster-templates': { roles: WRITE },
  'POST /api/poster-templates/check': { roles: WRITE },
  'POST /api/poster-templates/preview.png': { roles: WRITE },
  'GET /api/poster-templates/:id': { roles: ALL, params: { id: 'posterTemplate' } },
  'PATCH /api/poster-templates/:id': { roles: WRITE, params: { id: 'posterTemplate' } },
  'DELETE /api/poster-templates/:id': { roles: WRITE, params: { id: 'posterTemplate' }, destructive: true },
  'POST /api/poster-templates/:id/publish': { roles: WRITE, params: { id: 'posterTemplate' } },
  'GET /api/poster-templates/:id/preview.png': { roles: ALL, params: { id: 'posterTemplate' } },
  'GET /api/posters/staff-cards/:userid': { roles: ALL, params: { userid: 'staff' } },
  'GET /api/posters/staff-cards/:userid/card.png': { roles: ALL, params: { userid: 'staff' } },
  'GET /api/posters/stores/:id/staff-cards.zip': { roles: ['admin', 'operator', 'store_manager'], params: { id: 'store' } },
  'GET /api/live-codes/:id/poster.png': { roles: ALL, params: { id: 'liveCode' } },
  'GET /api/live-codes/:id/poster-check': { roles: ALL, params: { id: 'liveCode' } },
  // Invites (任务宝 / 群裂变): the console's routes, the customer page's API (identity from the WeChat session only) and
  // the link a participant's poster opens for friends.
  'POST /api/invites': { roles: WRITE },
  'GET /api/invites/:id': { roles: ALL, params: { id: 'inviteCampaign' } },
  'PATCH /api/invites/:id': { roles: WRITE, params: { id: 'inviteCampaign' } },
  'GET /api/invites/:id/participants': { roles: WRITE, params: { id: 'inviteCampaign' } },
  'GET /api/invites/:id/credits': { roles: WRITE, params: { id: 'inviteCampaign' } },
  'POST /api/invites/:id/credits/:creditId/review': { roles: WRITE, params: { id: 'inviteCampaign', creditId: 'inviteCredit' } },
  'GET /c/api/:corpId/invites/:id': { roles: 'public', params: { corpId: 'corp', id: 'inviteCampaign' }, anonymous: [401] },
  'POST /c/api/:corpId/invites/:id/join': { roles: 'public', params: { corpId: 'corp', id: 'inviteCampaign' }, anonymous: [400, 401] },
  'GET /c/api/:corpId/invites/:id/poster.png': { roles: 'public', params: { corpId: 'corp', id: 'inviteCampaign' }, anonymous: [401] },
  'GET /l/i/:token': { roles: 'public', params: { token: 'inviteToken' }, anonymous: [200] },
  // Chat archive (会话内容存档): settings and the manual pull are admins'; the reads are everyone's, narrowed by scope.
  'GET /api/archive/settings': { roles: ADMIN },
  'PUT /api/archive/settings': { roles: ADMIN },
  'POST /api/archive/pull': { roles: ADMIN },
  'GET /api/archive/messages': { roles: ALL },
  'GET /api/customers/:externalUserid/messages': { roles: ALL, params: { externalUserid: 'customer' } },
  'GET /api/groups/:chatId/messages': { roles: ALL, params: { chatId: 'group' } },
  // A message's file: the message must be one the caller's scope sees (a missing or unseen one is 404).
  'GET /api/archive/messages/:id/media': { roles: ALL, params: { id: 'archivedMessage' } },
  // Group operations (issue 16): the FAQ library and its questions, moderation, intercept rules, tier profiles.
  'GET /api/faqs': { roles: PLAYBOOK_READ },
  'POST /api/faqs': { roles: WRITE },
  'GET /api/faqs/settings': { roles: PLAYBOOK_READ },
  'PUT /api/faqs/settings': { roles: WRITE },
  'POST /api/faqs/test': { roles: PLAYBOOK_READ },
  'GET /api/faqs/stats': { roles: PLAYBOOK_READ, list: true },
  'GET /api/faqs/questions': { roles: PLAYBOOK_READ, list: true },
  'POST /api/faqs/questions/:id/faq': { roles: WRITE, params: { id: 'faqQuestion' } },
  'POST /api/faqs/questions/:id/dismiss': { roles: WRITE, params: { id: 'faqQuestion' } },
  'GET /api/faqs/:id': { roles: PLAYBOOK_READ, params: { id: 'faq' } },
  'PATCH /api/faqs/:id': { roles: WRITE, params: { id: 'faq' } },
  'DELETE /api/faqs/:id': { roles: WRITE, params: { id: 'faq' }, destructive: true },
  'GET /api/moderation/rules': { roles: PLAYBOOK_READ },
  'PUT /api/moderation/rules': { roles: WRITE },
  'DELETE /api/moderation/rules': { roles: WRITE },
  'GET /api/moderation/violations': { roles: PLAYBOOK_READ, list: true },
  'GET /api/moderation/offenders': { roles: WRITE },
  'POST /api/moderation/offenders/:externalUserid/pardon': { roles: WRITE, params: { externalUserid: 'customer' } },
  'GET /api/moderation/intercept-rules': { roles: WRITE },
  'POST /api/moderation/intercept-rules': { roles: WRITE },
  'GET /api/moderation/intercept-rules/:ruleId': { roles: WRITE, params: { ruleId: 'interceptRule' } },
  'PUT /api/moderation/intercept-rules/:ruleId': { roles: WRITE, params: { ruleId: 'interceptRule' } },
  'DELETE /api/moderation/intercept-rules/:ruleId': { roles: WRITE, params: { ruleId: 'interceptRule' }, destructive: true },
  'GET /api/group-profiles': { roles: PLAYBOOK_READ },
  'PUT /api/group-profiles': { roles: WRITE },
  'POST /api/group-profiles/calendar': { roles: WRITE },
  // Measure: campaign results (store managers: their stores' figures) and activity plans (issue 15, modules/plans)
  'GET /api/results': { roles: PLAYBOOK_READ, list: true },
  'GET /api/results.csv': { roles: PLAYBOOK_READ, list: true },
  // Plans: store managers read their stores' plans (another store's and the corp's are ZZOUT).
  'GET /api/plans': { roles: PLAYBOOK_READ, list: true },
  'POST /api/plans': { roles: WRITE },
  'GET /api/plans/:id': { roles: PLAYBOOK_READ, params: { id: 'plan' } },
  'PATCH /api/plans/:id': { roles: WRITE, params: { id: 'plan' } },
  'DELETE /api/plans/:id': { roles: WRITE, params: { id: 'plan' }, destructive: true },
  'GET /api/plans/:id/review': { roles: PLAYBOOK_READ, params: { id: 'plan' } },
  'GET /api/plans/:id/review.csv': { roles: PLAYBOOK_READ, params: { id: 'plan' } },
  // Spread: the three fission models as paths (issue 14, modules/fission)
  'GET /api/fission/paths': { roles: ALL },
  'GET /api/fission/eligible': { roles: WRITE },
  'POST /api/fission/paths': { roles: WRITE },
  'GET /api/fission/paths/:id': { roles: ALL, params: { id: 'fissionPath' } },
  'PATCH /api/fission/paths/:id': { roles: WRITE, params: { id: 'fissionPath' } },
  'POST /api/fission/paths/:id/status': { roles: WRITE, params: { id: 'fissionPath' } },
  'GET /api/fission/paths/:id/submissions': { roles: WRITE, params: { id: 'fissionPath' } },
  'GET /api/fission/paths/:id/submissions.csv': { roles: WRITE, params: { id: 'fissionPath' } },
  'GET /c/:corpId/fission/:id': { roles: 'public', params: { corpId: 'corp', id: 'fissionPath' }, anonymous: [200] },
  'GET /c/api/:corpId/fission/:id': { roles: 'public', params: { corpId: 'corp', id: 'fissionPath' }, anonymous: [401] },
  'POST /c/api/:corpId/fission/:id/submit': { roles: 'public', params: { corpId: 'corp', id: 'fissionPath' }, anonymous: [400, 401] },
};

let pond: TestPond;
const tokens = {} as Record<Who | 'otherAdmin', string>;
/** In-scope and out-of-scope ids per kind and caller. */
const ids: Record<string, { in: Partial<Record<Who, string>>; out: Partial<Record<Who, string>> }> = {};
const OTHER_CORP = 'wwmatrixothercorp01';
let corpBCode = 0;

const sql = (text: string, values: unknown[] = []) => pond.app.pool.query(text, values);
const one = async (text: string, values: unknown[] = []) => String(Object.values((await sql(text, values)).rows[0] ?? {})[0] ?? '');

async function call(method: string, path: string, who: Who | 'otherAdmin' | 'anonymous', body: unknown = [] as unknown[]) {
  const token = who === 'anonymous' ? null : tokens[who];
  const withBody = method !== 'GET' && method !== 'HEAD';
  return pond.api(method, path, withBody ? body : undefined, { token });
}

function setIds(kind: Kind, inId: string | Partial<Record<Who, string>>, out: Partial<Record<Who, string>> = {}) {
  const all = typeof inId === 'string' ? Object.fromEntries(ALL.map((w) => [w, inId])) : inId;
  ids[kind] = { in: all, out };
}

/** A resource made for one destructive call (DELETE, archive…) by `who`. */
async function fresh(kind: Kind, who: Who): Promise<string> {
  const admin = (m: string, p: string, b?: unknown) => pond.api(m, p, b);
  const ok = <T>(r: { status: number; body: T }) => { expect(r.status, JSON.stringify(r.body)).toBe(200); return r.body as any; };
  const n = `${who}-${Math.random().toString(36).slice(2, 8)}`;
  switch (kind) {
    case 'apiToken': return String(ok(await admin('POST', '/api/tokens', { name: `t-${n}`, role: 'operator' })).id);
    case 'groupSegment': return String(ok(await admin('POST', '/api/group-segments', { name: n, rule: { type: 'created', from: '2000-01-01' } })).id);
    case 'segment': return String(ok(await admin('POST', '/api/segments', { name: n, rule: { type: 'gender', values: [0, 1, 2] } })).id);
    case 'liveCode': return String(ok(await admin('POST', '/api/live-codes', { kind: 'staff', name: n, pool: [{ userid: 'zhangwei' }] })).id);
    case 'store': return String(ok(await admin('POST', '/api/stores', { name: n })).id);
    case 'broadcast': return String(ok(await admin('POST', '/api/broadcasts', { kind: 'customer', name: n.slice(0, 60), content: { text: 'hi' }, audience: {} })).id);
    case 'moment': return String(ok(await admin('POST', '/api/moments', { text: n, scheduledAt: new Date(Date.now() + 86_400_000).toISOString() })).id);
    case 'scriptFolder': return String(ok(await admin('POST', '/api/script-folders', { name: n.slice(0, 30) })).id);
    case 'script': return String(ok(await admin('POST', '/api/scripts', { title: n, content: 'x' })).id);
    case 'autoTagRule': return String(ok(await admin('POST', '/api/auto-tag-rules', { name: n, kind: 'channel', params: { channels: ['x'] }, tagIds: [ids.tag.in.admin] })).id);
    case 'tagGroup': return String(ok(await admin('POST', '/api/tag-groups', { name: n.slice(0, 30), tags: [{ name: 't' }] })).id);
    case 'tag': return String(ok(await admin('POST', '/api/tag-groups', { name: n.slice(0, 30), tags: [{ name: 't' }] })).tags[0].id);
    case 'groupWelcomeTemplate': return String(ok(await admin('POST', '/api/group-welcome-templates', { name: n, text: 'hi' })).templateId);
    case 'welcomeTemplate': return String(ok(await admin('POST', '/api/welcome-templates', { name: n, scope: 'code', text: 'hi' })).id);
    case 'user': return String(ok(await admin('POST', '/api/users', { username: `u-${n}`.slice(0, 40), displayName: n.slice(0, 40), role: 'operator' })).id);
    case 'playbook': return String(ok(await admin('POST', '/api/playbooks', { kind: 'customer', name: n, trigger: { type: 'manual' }, steps: [{ day: 1, time: '10:00', content: { text: 'hi' } }] })).id);
    case 'couponPool': return String(ok(await admin('POST', '/api/coupon-pools', { name: n, faceValueFen: 100 })).id);
    case 'faq': return String(ok(await admin('POST', '/api/faqs', { question: `物流信息 ${n}`.slice(0, 100), answer: { text: '已发货' } })).id);
    case 'interceptRule': return String(ok(await admin('POST', '/api/moderation/intercept-rules', { name: n.slice(-20), words: ['敏感词'], userids: ['zhangwei'] })).ruleId);
    case 'note': return String(ok(await pond.api('POST', `/api/customers/${ids.customer.in[who]}/notes`, { text: n }, { token: tokens[who] })).id);
    case 'posterTemplate': return String(ok(await admin('POST', '/api/poster-templates', {
      name: n, purpose: 'generic', design: { canvas: 'badge', background: { color: '#FFFFFF' }, elements: [{ type: 'qr', id: 'qr', x: 149, y: 300, size: 340 }] },
    })).id);
    case 'plan': return await one(`INSERT INTO plans (corp_id, name, goal_metric, goal_target, starts_on, ends_on, links) VALUES ($1, $2, 'gmv', 1, now(), now(), '{}') RETURNING id`, [pond.corpId, n]);
    default: throw new Error(`no fresh ${kind}`);
  }
}

function pathFor(route: string, who: Who | 'otherAdmin' | 'anonymous', where: 'in' | 'out', override?: Record<string, string>): string {
  const [, path] = route.split(' ') as [string, string];
  const row = MATRIX[route];
  return path.replace(/:(\w+)/g, (_, name: string) => {
    if (override?.[name]) return encodeURIComponent(override[name]);
    const kind = row.params?.[name];
    if (!kind) throw new Error(`${route}: no kind for :${name}`);
    const set = ids[kind];
    if (!set) throw new Error(`${route}: no fixture for ${kind}`);
    const as: Who = who === 'otherAdmin' || who === 'anonymous' ? 'admin' : who;
    const id = where === 'out' ? set.out[as] ?? set.in[as] : set.in[as];
    if (!id) throw new Error(`${route}: no ${where} id of ${kind} for ${as}`);
    return encodeURIComponent(id);
  });
}

const hasScopedParam = (row: Row) => Object.values(row.params ?? {}).some((k) => ids[k] && Object.keys(ids[k].out).length > 0);

beforeAll(async () => {
  pond = await startTestPond();
  const { corpId } = pond;
  const store1 = await one(`SELECT id FROM stores WHERE corp_id = $1 AND department_id = 4`, [corpId]);
  const store2 = await one(`SELECT id FROM stores WHERE corp_id = $1 AND department_id = 5`, [corpId]);
  expect(store1 && store2).toBeTruthy();
  const X = 'zhangwei'; // a guide in store 1 who owns a group
  const mk = async (role: string, extra: object) => (await pond.api('POST', '/api/tokens', { name: `matrix-${role}`, role, ...extra })).body.token as string;
  tokens.admin = pond.token;
  tokens.operator = await mk('operator', {});
  tokens.store_manager = await mk('store_manager', { storeIds: [Number(store1)] });
  tokens.staff = await mk('staff', { staffUserid: X });
  for (const w of ALL) expect(tokens[w], w).toBeTruthy();
  // Another tenant on the same Pond, with a live code of its own.
  await pond.app.corps.upsert({ id: OTHER_CORP, name: '别家企业 Other corp', agentId: '1000009', secret: 'other-secret-0000000000000000000000000000000', callbackToken: 'othertoken', callbackAesKey: 'a'.repeat(43), apiBase: `${pond.baseUrl}/sim` });
  tokens.otherAdmin = (await pond.app.auth.createToken({ corpId: OTHER_CORP, name: 'other-admin', role: 'admin' })).token;
  corpBCode = Number(await one(`INSERT INTO live_codes (corp_id, key, kind, name, state) VALUES ($1, 'otherkey01', 'staff', 'ZZOTHER code', 'pc_otherkey01') RETURNING id`, [OTHER_CORP]));

  // Mark what lies outside each scope (see the header).
  const inStore = (store: string) => `SELECT f.external_userid FROM follows f JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid WHERE f.corp_id = $1 AND s.store_id = ${store}`;
  await sql(`UPDATE customers SET name = 'ZZOUT ' || name WHERE corp_id = $1 AND external_userid NOT IN (${inStore(store1)})`, [corpId]);
  await sql(`UPDATE customers SET name = 'ZZNOTX ' || name WHERE corp_id = $1 AND external_userid IN (${inStore(store1)})
               AND external_userid NOT IN (SELECT external_userid FROM follows WHERE corp_id = $1 AND userid = $2)`, [corpId, X]);
  await sql(`UPDATE groups SET name = CASE WHEN store_id = ${store1} THEN 'ZZNOTX ' ELSE 'ZZOUT ' END || name, tier = CASE WHEN store_id = ${store1} THEN NULL ELSE 'ZZOUT-tier' END
             WHERE corp_id = $1 AND owner_userid <> $2`, [corpId, X]);
  const customerIn = await one(`SELECT external_userid FROM follows WHERE corp_id = $1 AND userid = $2 AND status = 'active' ORDER BY external_userid LIMIT 1`, [corpId, X]);
  const customerOut = await one(`SELECT external_userid FROM customers WHERE corp_id = $1 AND name LIKE 'ZZOUT %' ORDER BY external_userid LIMIT 1`, [corpId]);
  const customerNotX = await one(`SELECT external_userid FROM customers WHERE corp_id = $1 AND name LIKE 'ZZNOTX %' ORDER BY external_userid LIMIT 1`, [corpId]);
  const groupIn = await one(`SELECT chat_id FROM groups WHERE corp_id = $1 AND owner_userid = $2 LIMIT 1`, [corpId, X]);
  const groupOut = await one(`SELECT chat_id FROM groups WHERE corp_id = $1 AND name LIKE 'ZZOUT %' LIMIT 1`, [corpId]);
  const groupNotX = await one(`SELECT chat_id FROM groups WHERE corp_id = $1 AND name LIKE 'ZZNOTX %' LIMIT 1`, [corpId]);
  const staffOut = await one(`SELECT userid FROM staff WHERE corp_id = $1 AND store_id = ${store2} LIMIT 1`, [corpId]);
  const staffNotX = await one(`SELECT userid FROM staff WHERE corp_id = $1 AND store_id = ${store1} AND userid <> $2 LIMIT 1`, [corpId, X]);
  for (const v of [customerIn, customerOut, customerNotX, groupIn, groupOut, groupNotX, staffOut, staffNotX]) expect(v).toBeTruthy();

  setIds('customer', customerIn, { store_manager: customerOut, staff: customerNotX });
  setIds('staff', X, { store_manager: staffOut, staff: staffNotX });
  setIds('group', groupIn, { store_manager: groupOut, staff: groupNotX });
  setIds('store', store1, { store_manager: store2, staff: store2 });

  // Live codes: one in store 1 with X in its pool, one in store 2, one in store 1 without X.
  const code = async (name: string, storeId: string, userid: string, channel: string) => {
    const r = await pond.api('POST', '/api/live-codes', { kind: 'staff', name, storeId: Number(storeId), channel, pool: [{ userid }] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return String(r.body.id);
  };
  const codeIn = await code('matrix code', store1, X, 'matrix');
  const codeOut = await code('ZZOUT code', store2, staffOut, 'ZZOUT-channel');
  const codeNotX = await code('ZZNOTX code', store1, staffNotX, 'ZZNOTX-channel');
  setIds('liveCode', codeIn, { store_manager: codeOut, staff: codeNotX });
  setIds('key', await one(`SELECT key FROM live_codes WHERE id = $1`, [codeIn]));

  const alert = (codeId: string, text: string) => one(`INSERT INTO alerts (corp_id, kind, message, data) VALUES ($1, 'no_staff', $2, $3) RETURNING id`, [corpId, text, JSON.stringify({ codeId: Number(codeId) })]);
  setIds('alert', await alert(codeIn, 'matrix alert'), { store_manager: await alert(codeOut, 'ZZOUT alert'), staff: await alert(codeNotX, 'ZZNOTX alert') });

  // Tasks: X's own, another store's staff member's, a colleague's in X's store (their targets' names carry the markers).
  const task = (owner: string, customer: string) => one(`INSERT INTO staff_tasks (corp_id, kind, owner_userid, due_at, target_kind, external_userid, content, source_kind, source_name)
      VALUES ($1, 'send', $2, now(), 'customer', $3, '{"text":"matrix task","attachments":[]}', 'manual', 'matrix') RETURNING id`, [corpId, owner, customer]);
  setIds('task', await task(X, customerIn), { store_manager: await task(staffOut, customerOut), staff: await task(staffNotX, customerNotX) });

  // Moments given to X, to another store's staff member, to a colleague in X's store (each its only sender; names carry the markers).
  const moment = async (name: string, sender: string) => {
    const id = await one(`INSERT INTO moments (corp_id, name, text, status, wecom_moment_id, issued_at, track_until)
      VALUES ($1, $2, $2, 'issued', 'mom' || md5($2), now(), now() + interval '1 day') RETURNING id`, [corpId, name]);
    await sql(`INSERT INTO moment_senders (corp_id, moment_id, userid) VALUES ($1, $2, $3)`, [corpId, id, sender]);
    await sql(`INSERT INTO moment_interactions (corp_id, moment_id, sender_userid, kind, external_userid, who, at) VALUES ($1, $2, $3, 'like', $4, $4, now())`,
      [corpId, id, sender, sender === X ? customerIn : sender === staffOut ? customerOut : customerNotX]);
    return id;
  };
  setIds('moment', await moment('matrix moment', X), { store_manager: await moment('ZZOUT moment', staffOut), staff: await moment('ZZNOTX moment', staffNotX) });

  // Welcome sends by staff outside the scope, to customers outside it (their names carry the markers).
  await sql(`INSERT INTO welcome_sends (corp_id, inbox_id, external_userid, userid, status, received_at) VALUES ($1, 900001, $2, $3, 'sent', now()), ($1, 900002, $4, $5, 'sent', now())`,
    [corpId, customerOut, staffOut, customerNotX, staffNotX]);

  // Corp-wide things, made by the admin.
  const tagGroup = (await pond.api('POST', '/api/tag-groups', { name: 'matrix', tags: [{ name: 'm1' }] })).body;
  setIds('tagGroup', tagGroup.id);
  setIds('tag', tagGroup.tags[0].id);
  setIds('broadcast', String((await pond.api('POST', '/api/broadcasts', { kind: 'customer', name: 'matrix broadcast', content: { text: 'hi' }, audience: {} })).body.id));
  for (const kind of ['segment', 'groupSegment', 'scriptFolder', 'script', 'autoTagRule', 'welcomeTemplate', 'groupWelcomeTemplate', 'apiToken', 'playbook'] as const) {
    setIds(kind, await fresh(kind, 'admin'));
  }
  setIds('user', await one(`SELECT id FROM memberships WHERE corp_id = $1 ORDER BY id LIMIT 1`, [corpId])); // a membership id (ADR 0011)
  setIds('corp', corpId);
  setIds('token', 'not-the-webhook-secret');
  // Rewards of a customer in each scope (the customer's name carries the marker into the ledger's rows).
  const rewardOf = (ext: string, ref: string) => one(
    `INSERT INTO rewards (corp_id, external_userid, source, source_ref, kind, adapter, title) VALUES ($1, $2, 'manual', $3, 'custom', 'manual', 'matrix reward') RETURNING id`, [corpId, ext, ref]);
  setIds('reward', await rewardOf(customerIn, 'matrix:in'), { store_manager: await rewardOf(customerOut, 'matrix:out'), staff: await rewardOf(customerNotX, 'matrix:notx') });
  setIds('couponPool', await fresh('couponPool', 'admin'));
  setIds('campaign', await one(`INSERT INTO campaigns (corp_id, kind, name, starts_at) VALUES ($1, 'lottery', 'matrix campaign', now()) RETURNING id`, [corpId]));
  setIds('offer', await one(`INSERT INTO campaigns (corp_id, kind, name, starts_at, config) VALUES ($1, 'coupon', 'matrix offer', now(), '{"couponPoolId":1}') RETURNING id`, [corpId]));
  setIds('posterTemplate', await fresh('posterTemplate', 'admin'));
  setIds('checkinCampaign', await one(`INSERT INTO campaigns (corp_id, kind, name, starts_at, config) VALUES ($1, 'checkin', 'matrix check-in', now(), '{"mode":"daily"}') RETURNING id`, [corpId]));
  setIds('redpacket', await one(`INSERT INTO campaigns (corp_id, kind, name, starts_at, config) VALUES ($1, 'redpacket', 'matrix red packets', now(),
    '{"amount":{"mode":"fixed","amountFen":100},"slots":[{"weekdays":[],"start":"00:00","end":"23:59","count":10}]}') RETURNING id`, [corpId]));
  setIds('referralCampaign', await one(`INSERT INTO campaigns (corp_id, kind, name, starts_at) VALUES ($1, 'referral', 'matrix referral', now()) RETURNING id`, [corpId]));
  const invite = await one(`INSERT INTO campaigns (corp_id, kind, name, starts_at, config) VALUES ($1, 'invite', 'matrix invite', now(),
    '{"codeId":1,"tiers":[{"friends":1,"reward":{"kind":"custom","title":"matrix"}}]}') RETURNING id`, [corpId]);
  setIds('inviteCampaign', invite);
  const participant = await one(`INSERT INTO invite_participants (corp_id, campaign_id, external_userid, token) VALUES ($1, $2, $3, 'matrixToken01') RETURNING id`, [corpId, invite, customerIn]);
  setIds('inviteToken', 'matrixToken01');
  setIds('inviteCredit', await one(`INSERT INTO invite_credits (corp_id, campaign_id, participant_id, invitee_external_userid, kind, status, event_at, hold_until)
    VALUES ($1, $2, $3, 'wmmatrixfriend', 'add', 'review', now(), now()) RETURNING id`, [corpId, invite, participant]));
  // Plans: one of store 1, one of store 2 and one of the whole corp (both outside a store manager's scope).
  const plan = (name: string, store: string | null) => one(
    `INSERT INTO plans (corp_id, name, goal_metric, goal_target, starts_on, ends_on, links, store_id) VALUES ($1, $2, 'gmv', 1, now(), now(), '{}', $3) RETURNING id`, [corpId, name, store]);
  const planIn = await plan('matrix plan', store1);
  await plan('ZZOUT corp plan', null);
  setIds('plan', planIn, { store_manager: await plan('ZZOUT plan', store2) });
  setIds('fissionPath', await one(`INSERT INTO fission_paths (corp_id, model, name, starts_at, invite_campaign_id, landing, form) VALUES ($1, 'service', 'matrix path', now(), $2,
    '{"title":"matrix","coverUrl":null,"body":"","ctaText":"go"}', '{"title":"f","fields":[{"key":"name","label":"n","type":"name","required":true,"options":[],"maxLength":200}],"unlockFriends":0,"submitText":"ok"}') RETURNING id`, [corpId, invite]));
  const handover = await pond.api('POST', '/api/handover/jobs', { kind: 'onjob', handoverUserid: staffNotX, takeoverUserid: X, externalUserids: [customerNotX] });
  expect(handover.status, JSON.stringify(handover.body)).toBe(200);
  setIds('handoverJob', String(handover.body.id));
  // Bulk jobs: each caller's own; the admin's carries the marker.
  const bulkIn: Partial<Record<Who, string>> = {};
  for (const w of ALL) {
    const r = await pond.api('POST', '/api/bulk-tag-jobs', { action: 'add', tagIds: [ids.tag.in.admin], externalUserids: [customerIn] }, { token: tokens[w] });
    expect(r.status, `${w}: ${JSON.stringify(r.body)}`).toBe(200);
    bulkIn[w] = String(r.body.id);
  }
  await sql(`UPDATE bulk_tag_jobs SET created_by = 'ZZOUT admin' WHERE id = $1`, [bulkIn.admin]);
  setIds('bulkTagJob', bulkIn, { store_manager: bulkIn.admin, staff: bulkIn.store_manager });
  // Notes: each caller's own on the in-scope customer.
  const notes: Partial<Record<Who, string>> = {};
  for (const w of ALL) notes[w] = await fresh('note', w);
  setIds('note', notes);
  // Group operations (issue 16): questions answered by X, by another store's staff member, by a colleague in X's store.
  const question = (owner: string, chat: string, n: string) => one(
    `INSERT INTO faq_questions (corp_id, msgid, source, status, text, chat_id, owner_userid, asked_at) VALUES ($1, $2, 'archive', 'unmatched', $2, $3, $4, now()) RETURNING id`,
    [corpId, n, chat, owner]);
  setIds('faqQuestion', await question(X, groupIn, 'matrix question'), { store_manager: await question(staffOut, groupOut, 'ZZOUT question'), staff: await question(staffNotX, groupNotX, 'ZZNOTX question') });
  // Archived messages with a stored file: in X's group, in another store's group, in a colleague's group.
  const archived = async (chat: string, owner: string, n: string) => {
    const id = await one(`INSERT INTO archived_messages (corp_id, msgid, seq, action, type, sender, sender_kind, chat_id, userid, sent_at, payload)
      VALUES ($1, $2, 1, 'send', 'image', $3, 'staff', $4, $3, now(), '{}') RETURNING id`, [corpId, n, owner, chat]);
    await sql(`INSERT INTO archive_media (corp_id, msgid, kind, sdkfileid, status, bytes, size, content_type) VALUES ($1, $2, 'image', 'f', 'stored', $3, 4, 'image/png')`,
      [corpId, n, Buffer.from('89504e47', 'hex')]);
    return id;
  };
  setIds('archivedMessage', await archived(groupIn, X, 'matrix image'), { store_manager: await archived(groupOut, staffOut, 'ZZOUT image'), staff: await archived(groupNotX, staffNotX, 'ZZNOTX image') });
  await sql(`INSERT INTO moderation_violations (corp_id, msgid, rule, chat_id, external_userid, text, owner_userid, occurred_at)
             VALUES ($1, 'mv1', 'link', $2, $3, 'matrix violation', $4, now()), ($1, 'mv2', 'link', $5, $6, 'ZZOUT violation', $7, now())`,
    [corpId, groupIn, customerIn, X, groupOut, customerOut, staffOut]);
  await sql(`INSERT INTO moderation_offenders (corp_id, external_userid, strikes, last_at) VALUES ($1, $2, 1, now())`, [corpId, customerIn]);
  setIds('faq', await fresh('faq', 'admin'));
  setIds('interceptRule', await fresh('interceptRule', 'admin'));
}, 180_000);

afterAll(async () => { await pond?.close(); });

describe('route × role matrix', () => {
  it('lists every route Pond serves, and each route declares its access', () => {
    const served = pond.app.http.routeAccess.filter((r) => r.access && r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`);
    expect(served.length).toBeGreaterThan(100);
    const missing = served.filter((r) => !MATRIX[r]);
    expect(missing, 'routes not in the matrix: add them to MATRIX with the roles that may call them').toEqual([]);
    const gone = Object.keys(MATRIX).filter((r) => !served.includes(r));
    expect(gone, 'matrix rows for routes that no longer exist').toEqual([]);
    for (const r of pond.app.http.routeAccess.filter((x) => x.access && x.method !== 'HEAD')) {
      const row = MATRIX[`${r.method} ${r.url}`];
      expect(r.access!.roles === 'public', `${r.method} ${r.url} public?`).toBe(row.roles === 'public');
    }
  });

  it('documents every private route in the OpenAPI description', async () => {
    const doc = (await pond.api('GET', '/docs/json', undefined, { token: null })).body;
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    const priv = Object.entries(MATRIX).filter(([, r]) => r.roles !== 'public').map(([k]) => k);
    expect(priv.filter((k) => !documented.includes(k))).toEqual([]);
  });

  it('answers 401 to a caller without credentials, before reading the body', async () => {
    let checked = 0;
    for (const [route, row] of Object.entries(MATRIX)) {
      const [method] = route.split(' ') as [string];
      const res = await call(method, pathFor(route, 'anonymous', 'in'), 'anonymous');
      if (row.roles === 'public') expect(row.anonymous, route).toContain(res.status);
      else { expect(res.status, `${route}: ${JSON.stringify(res.body)}`).toBe(401); checked++; }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('answers 403 to a role the route does not allow', async () => {
    let checked = 0;
    for (const [route, row] of Object.entries(MATRIX)) {
      if (row.roles === 'public') continue;
      const [method] = route.split(' ') as [string];
      for (const who of ALL.filter((w) => !(row.roles as Who[]).includes(w))) {
        const res = await call(method, pathFor(route, who, 'in'), who);
        expect(res.status, `${who} ${route}: ${JSON.stringify(res.body)}`).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("answers 404 to another corp's admin asking for this corp's resources, and shows them none of its rows", async () => {
    let checked = 0;
    const ours = [ids.customer.in.admin!, ids.group.in.admin!, 'matrix code', 'ZZOUT', 'ZZNOTX'];
    for (const [route, row] of Object.entries(MATRIX)) {
      if (row.roles === 'public' || !(row.roles).includes('admin')) continue;
      const [method] = route.split(' ') as [string];
      const res = await call(method, pathFor(route, 'otherAdmin', 'in'), 'otherAdmin');
      if (row.params && Object.keys(row.params).length) {
        expect(res.status, `${route}: ${JSON.stringify(res.body)}`).toBe(404);
        checked++;
      } else if (method === 'GET') {
        expect([401, 403, 404, 500], `${route}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`).not.toContain(res.status);
        const text = JSON.stringify(res.body);
        for (const s of ours) expect(text.includes(s), `${route} shows another corp's ${s}`).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('lets every allowed role in with ids from its own scope', async () => {
    let checked = 0;
    const destructive: [string, Row][] = [];
    for (const [route, row] of Object.entries(MATRIX)) {
      if (row.roles === 'public') continue;
      if (row.destructive) { destructive.push([route, row]); continue; }
      const [method] = route.split(' ') as [string];
      for (const who of row.roles) {
        const res = await call(method, pathFor(route, who, 'in'), who);
        expect([401, 403, 404, 500], `${who} ${route}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`).not.toContain(res.status);
        checked++;
      }
    }
    // Destructive routes last, each call on a resource of its own.
    for (const [route, row] of destructive) {
      const [method] = route.split(' ') as [string];
      for (const who of row.roles as Who[]) {
        const override: Record<string, string> = {};
        for (const [param, kind] of Object.entries(row.params ?? {})) if (kind !== 'customer') override[param] = await fresh(kind, who);
        const res = await call(method, pathFor(route, who, 'in', override), who);
        expect([401, 403, 404, 500], `${who} ${route}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`).not.toContain(res.status);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('answers 404 to a store manager or staff member naming something outside their scope', async () => {
    let checked = 0;
    for (const [route, row] of Object.entries(MATRIX)) {
      if (row.roles === 'public' || !hasScopedParam(row)) continue;
      const [method] = route.split(' ') as [string];
      for (const who of (row.roles).filter((w) => w === 'store_manager' || w === 'staff')) {
        const res = await call(method, pathFor(route, who, 'out'), who);
        expect(res.status, `${who} ${route} (out of scope): ${JSON.stringify(res.body).slice(0, 300)}`).toBe(404);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(25);
  });

  it('shows a store manager or staff member only their part of every list', async () => {
    let checked = 0;
    for (const [route, row] of Object.entries(MATRIX)) {
      if (!row.list || row.roles === 'public') continue;
      const [method] = route.split(' ') as [string];
      for (const who of (row.roles).filter((w) => w === 'store_manager' || w === 'staff')) {
        const res = await call(method, pathFor(route, who, 'in'), who);
        expect(res.status, `${who} ${route}`).toBe(200);
        const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
        expect(text.includes('ZZOUT'), `${who} ${route} shows rows outside their stores`).toBe(false);
        if (who === 'staff') expect(text.includes('ZZNOTX'), `staff ${route} shows other staff's rows`).toBe(false);
        checked++;
      }
      // The markers are there to be found: the admin sees them (where the list has them at all).
    }
    expect(checked).toBeGreaterThan(15);
    for (const route of ['GET /api/customers', 'GET /api/groups', 'GET /api/live-codes', 'GET /api/channel-stats', 'GET /api/alerts', 'GET /api/welcome-sends', 'GET /api/bulk-tag-jobs', 'GET /api/group-tiers']) {
      const text = JSON.stringify((await call('GET', route.split(' ')[1] + (route.includes('customers') || route.includes('groups') ? '?pageSize=200' : ''), 'admin')).body);
      expect(text.includes('ZZOUT'), `the admin sees the ZZOUT rows of ${route}`).toBe(true);
    }
  });
});

describe('scope, one rule at a time', () => {
  it('lets a store manager edit a relation in their own store (store ids are numbers everywhere)', async () => {
    const ext = ids.customer.in.store_manager!;
    const res = await pond.api('PATCH', `/api/customers/${ext}/follows/zhangwei`, { remark: '店长改的' }, { token: tokens.store_manager });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const out = await pond.api('PATCH', `/api/customers/${ids.customer.out.store_manager}/follows/${ids.staff.out.store_manager}`, { remark: 'x' }, { token: tokens.store_manager });
    expect(out.status).toBe(404);
  });

  it("refuses another corp's ids in a body (auto-tag rule codes), naming the field", async () => {
    const res = await pond.api('POST', '/api/auto-tag-rules', { name: 'x', kind: 'code', params: { codeIds: [Number(ids.liveCode.in.admin), corpBCode] }, tagIds: [ids.tag.in.admin] });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('params.codeIds.1');
    expect(JSON.stringify(res.body)).not.toContain('ZZOTHER');
    const n = await one(`SELECT count(*) FROM auto_tag_rules WHERE params::text LIKE $1`, [`%${corpBCode}%`]);
    expect(n).toBe('0');
  });

  it("does not render a script with the name of a customer outside the caller's scope", async () => {
    const script = ids.script.in.staff!;
    await pond.api('PATCH', `/api/scripts/${script}`, { content: '你好 {nickname}' });
    const out = await pond.api('GET', `/api/scripts/${script}/render?externalUserid=${ids.customer.out.staff}`, undefined, { token: tokens.staff });
    expect(out.status).toBe(400);
    expect(JSON.stringify(out.body)).not.toMatch(/ZZ(NOTX|OUT)/);
    const mine = await pond.api('GET', `/api/scripts/${script}/render?externalUserid=${ids.customer.in.staff}`, undefined, { token: tokens.staff });
    expect(mine.status).toBe(200);
  });

  it('counts only the caller\'s part in aggregates (overview, channel numbers)', async () => {
    const admin = (await pond.api('GET', '/api/overview')).body.counts;
    const sm = (await pond.api('GET', '/api/overview', undefined, { token: tokens.store_manager })).body.counts;
    const staff = (await pond.api('GET', '/api/overview', undefined, { token: tokens.staff })).body.counts;
    expect(sm.customers).toBeLessThan(admin.customers);
    expect(staff.customers).toBeLessThan(sm.customers);
    expect(staff.customers).toBe(Number(await one(`SELECT count(*) FROM customers c WHERE corp_id = $1 AND active_follow_count > 0 AND EXISTS (SELECT 1 FROM follows f WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.userid = 'zhangwei')`, [pond.corpId])));
    const channels = (await pond.api('GET', '/api/channel-stats', undefined, { token: tokens.store_manager })).body.channels.map((c: { channel: string }) => c.channel);
    expect(channels).toContain('matrix');
    expect(channels).not.toContain('ZZOUT-channel');
  });
});

describe('a live code whose pool spans staff the caller does not see', () => {
  // Store 1's code with X and the other member of store 1 in its pool and store 2's member as backup. Staff X sees the
  // code as far as it concerns them (their own pool entry and numbers); store 1's manager the entries and numbers of
  // store 1's staff; the admin everything.
  let code = '';
  beforeAll(async () => {
    const X = ids.staff.in.admin!;
    const notX = ids.staff.out.staff!;
    const out = ids.staff.out.store_manager!;
    const r = await pond.api('POST', '/api/live-codes', {
      kind: 'staff', name: 'pool code', storeId: Number(ids.store.in.admin), channel: 'pool',
      pool: [{ userid: X, dailyCap: 5 }, { userid: notX, dailyCap: 7 }], backupUserids: [out],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    code = String(r.body.id);
    const { corpId } = pond;
    for (const [i, userid] of [X, notX, out, null].entries()) {
      await sql(`INSERT INTO code_visits (corp_id, code_id, visitor_key, visitor_kind, userid, reason) VALUES ($1, $2, $3, 'cookie', $4, $5)`,
        [corpId, code, `pool-visitor-${i}`, userid, userid ? 'strategy' : 'none']);
      if (userid) {
        await sql(`INSERT INTO attributions (corp_id, external_userid, userid, code_id, added_at) VALUES ($1, $2, $3, $4, now())`, [corpId, `pool-customer-${i}`, userid, code]);
        await sql(`INSERT INTO welcome_sends (corp_id, inbox_id, external_userid, userid, code_id, status, received_at) VALUES ($1, $2, $3, $4, $5, 'sent', now())`,
          [corpId, 910_000 + i, `pool-customer-${i}`, userid, code]);
      }
    }
  });

  const seen = async (who: Who) => {
    const detail = await call('GET', `/api/live-codes/${code}`, who);
    expect(detail.status, JSON.stringify(detail.body)).toBe(200);
    const stats = (await call('GET', `/api/live-codes/${code}/stats`, who)).body.total;
    const listed = (await call('GET', '/api/live-codes?pageSize=100', who)).body.items.find((c: { id: number }) => String(c.id) === code);
    return { detail: detail.body, stats, listed, text: JSON.stringify([detail.body, listed]) };
  };

  it('shows staff their own pool entry and numbers only', async () => {
    const { detail, stats, listed, text } = await seen('staff');
    expect(detail.pool.map((m: { userid: string }) => m.userid)).toEqual([ids.staff.in.admin]);
    expect(detail.pool[0].dailyCap).toBe(5);
    expect(detail.backupUserids).toEqual([]);
    expect(listed.pool).toEqual(detail.pool);
    for (const u of [ids.staff.out.staff!, ids.staff.out.store_manager!]) expect(text).not.toContain(u);
    expect(text).not.toMatch(/"dailyCap":7/);
    expect(stats).toMatchObject({ scans: 1, adds: 1, welcomeSent: 1 });
    expect(listed.numbers).toMatchObject({ scansTotal: 1, addsTotal: 1 });
  });

  it("shows a store manager their stores' pool entries and numbers", async () => {
    const { detail, stats, listed, text } = await seen('store_manager');
    expect(detail.pool.map((m: { userid: string }) => m.userid).sort()).toEqual([ids.staff.in.admin!, ids.staff.out.staff!].sort());
    expect(detail.backupUserids).toEqual([]);
    expect(text).not.toContain(ids.staff.out.store_manager!);
    // Scans assigned to nobody on their store's code count; store 2's member's work does not.
    expect(stats).toMatchObject({ scans: 3, adds: 2, welcomeSent: 2 });
    expect(listed.numbers).toMatchObject({ scansTotal: 3, addsTotal: 2 });
  });

  it('shows admins and operators the whole pool and every number', async () => {
    for (const who of ['admin', 'operator'] as const) {
      const { detail, stats } = await seen(who);
      expect(detail.pool).toHaveLength(2);
      expect(detail.backupUserids).toEqual([ids.staff.out.store_manager]);
      expect(stats).toMatchObject({ scans: 4, adds: 3, welcomeSent: 3 });
    }
  });
});

describe('bulk jobs started before their starter was recorded (migration 0042)', () => {
  it("gives a store manager back the jobs they started, from the audit log, and nobody else's", async () => {
    const { corpId } = pond;
    const smToken = await one(`SELECT id FROM api_tokens WHERE corp_id = $1 AND name = 'matrix-store_manager'`, [corpId]);
    const job = (by: string, daysAgo: number) => one(
      `INSERT INTO bulk_tag_jobs (corp_id, action, tag_ids, source, created_by, created_at) VALUES ($1, 'add', $2, '{}', $3, now() - $4 * interval '1 day') RETURNING id`,
      [corpId, [ids.tag.in.admin], by, daysAgo]);
    const mine = await job('token:matrix-store_manager', 2);
    const byTarget = await job('token:matrix-store_manager', 3);
    const unknown = await job('token:matrix-store_manager', 4); // no audit entry of its own: nobody's
    const shared = await job('token:matrix-store_manager', 5); // two principals of that name answered within the minute: nobody's
    const audit = `INSERT INTO audit_log (corp_id, actor_type, actor_id, actor_name, action, route, target_type, target_id, created_at)
                   SELECT $1, 'token', $2, 'token:matrix-store_manager', 'bulk_tag_job.create', 'POST /api/bulk-tag-jobs', $4, $3::text, created_at + interval '150 milliseconds'
                   FROM bulk_tag_jobs WHERE id = $5`;
    // Before target ids were recorded: matched by name and time; after: by target id.
    await sql(audit, [corpId, smToken, null, null, mine]);
    await sql(audit, [corpId, smToken, byTarget, 'bulk_tag_job', byTarget]);
    // Someone else's entry, by another name, at the same time, changes nothing.
    await sql(audit.replaceAll("'token:matrix-store_manager'", "'someone else'"), [corpId, '999999', null, null, unknown]);
    await sql(audit, [corpId, smToken, null, null, shared]);
    await sql(audit, [corpId, '888888', null, null, shared]);
    const listed = async (who: Who) => (await call('GET', '/api/bulk-tag-jobs', who)).body.items.map((j: { id: number }) => String(j.id));
    expect(await listed('store_manager')).not.toContain(mine);

    const { readFileSync } = await import('node:fs');
    await sql(readFileSync(new URL('../migrations/0042_bulk_jobs_created_by_key_backfill.sql', import.meta.url), 'utf8'));

    const sm = await listed('store_manager');
    expect(sm).toContain(mine);
    expect(sm).toContain(byTarget);
    expect(sm).not.toContain(unknown);
    expect(sm).not.toContain(shared);
    expect(await one('SELECT (created_by_key IS NULL)::text FROM bulk_tag_jobs WHERE id = $1', [shared])).toBe('true');
    expect(await listed('staff')).not.toContain(mine);
    expect(await listed('operator')).toEqual(expect.arrayContaining([mine, byTarget, unknown]));
    expect((await call('GET', `/api/bulk-tag-jobs/${mine}`, 'store_manager')).status).toBe(200);
    expect((await call('GET', `/api/bulk-tag-jobs/${unknown}`, 'store_manager')).status).toBe(404);
    expect(await one('SELECT created_by_key FROM bulk_tag_jobs WHERE id = $1', [mine])).toBe(`token:${smToken}`);
  });
});

describe("a customer followed by staff the caller does not see", () => {
  // Customer C is the staff member X's (store 1); staff of store 2 (ZZOUT) and another member of store 1 (ZZNOTX) follow
  // C too. Their relations — remark, phones, description, tags — their timeline events, notes and order attribution
  // are theirs: a store manager of store 1 sees store 1's, staff X their own, the admin and operator everything.
  const phoneOut = '13900000001';
  const phoneNotX = '13900000002';
  let ext = '';
  let tagOut = '';
  beforeAll(async () => {
    ext = ids.customer.in.staff!;
    const { corpId } = pond;
    const out = ids.staff.out.store_manager!;
    const notX = ids.staff.out.staff!;
    tagOut = (await pond.api('POST', '/api/tag-groups', { name: 'other store only', tags: [{ name: 'other store tag' }] })).body.tags[0].id;
    const follow = `INSERT INTO follows (corp_id, external_userid, userid, remark, description, remark_mobiles, tag_ids, personal_tags, added_at, status)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), 'active')
                    ON CONFLICT (corp_id, external_userid, userid) DO UPDATE SET remark = EXCLUDED.remark, description = EXCLUDED.description,
                      remark_mobiles = EXCLUDED.remark_mobiles, tag_ids = EXCLUDED.tag_ids, personal_tags = EXCLUDED.personal_tags, status = 'active'`;
    await sql(follow, [corpId, ext, out, 'ZZOUT remark', 'ZZOUT description', [phoneOut], [tagOut], ['ZZOUT personal']]);
    await sql(follow, [corpId, ext, notX, 'ZZNOTX remark', 'ZZNOTX description', [phoneNotX], [], ['ZZNOTX personal']]);
    const event = `INSERT INTO customer_events (corp_id, external_userid, type, userid, occurred_at, data) VALUES ($1, $2, 'remark.changed', $3, now(), $4)`;
    await sql(event, [corpId, ext, out, JSON.stringify({ from: null, to: 'ZZOUT remark' })]);
    await sql(event, [corpId, ext, notX, JSON.stringify({ from: null, to: 'ZZNOTX remark' })]);
    // An order attributed to store 2's staff member (through store 2's code): the order is C's, the attribution is not ours.
    await sql(`INSERT INTO orders (corp_id, order_id, external_userid, amount, paid_at, matched_at, userid, code_id, channel, store_id, payload)
               VALUES ($1, 'matrix-order-out', $2, 88, now(), now(), $3, $4, 'ZZOUT-channel', $5, '{}')`, [corpId, ext, out, ids.liveCode.out.store_manager, ids.store.out.store_manager]);
    await sql(`INSERT INTO customer_events (corp_id, external_userid, type, userid, occurred_at, data) VALUES ($1, $2, 'order.paid', $3, now(), $4)`,
      [corpId, ext, out, JSON.stringify({ orderId: 'matrix-order-out', amount: 88, channel: 'ZZOUT-channel', codeId: Number(ids.liveCode.out.store_manager) })]);
    // C's add through store 2's code by store 2's staff member, on a channel of store 2's.
    await sql(`INSERT INTO attributions (corp_id, external_userid, userid, code_id, channel, added_at) VALUES ($1, $2, $3, $4, 'ZZOUT-attr-channel', now())`,
      [corpId, ext, out, ids.liveCode.out.store_manager]);
    // An order attributed to X (whom both callers see) but to store 2's code and store (C's latest add came through it):
    // the code, its channel and the store are store 2's.
    await sql(`INSERT INTO orders (corp_id, order_id, external_userid, amount, paid_at, matched_at, userid, code_id, channel, store_id, payload)
               VALUES ($1, 'matrix-order-mixed', $2, 66, now(), now(), $3, $4, 'ZZOUT-mixed-channel', $5, '{}')`, [corpId, ext, ids.staff.in.admin, ids.liveCode.out.store_manager, ids.store.out.store_manager]);
    await sql(`INSERT INTO customer_events (corp_id, external_userid, type, userid, occurred_at, data) VALUES ($1, $2, 'order.paid', $3, now(), $4)`,
      [corpId, ext, ids.staff.in.admin, JSON.stringify({ orderId: 'matrix-order-mixed', amount: 66, channel: 'ZZOUT-mixed-channel', codeId: Number(ids.liveCode.out.store_manager) })]);
    // Notes by store 2's manager and by the other member of store 1 (as staff).
    const mk = async (name: string, extra: object) => (await pond.api('POST', '/api/tokens', { name, ...extra })).body.token as string;
    const managerOut = await mk('matrix-sm-out', { role: 'store_manager', storeIds: [Number(ids.store.out.store_manager)] });
    const staffNotX = await mk('matrix-staff-notx', { role: 'staff', staffUserid: notX });
    for (const [token, text] of [[managerOut, 'ZZOUT note'], [staffNotX, 'ZZNOTX note']] as const) {
      const r = await pond.api('POST', `/api/customers/${ext}/notes`, { text }, { token });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
  });

  const reads = () => [
    `/api/customers/${ext}`, `/api/customers/${ext}/timeline`, `/api/customers/${ext}/notes`, `/api/customers/${ext}/orders`,
    `/api/sidebar/customers/${ext}`, `/api/customers?pageSize=200`, `/api/customers.csv`, `/api/customers?q=${encodeURIComponent(ext)}`,
  ];

  it('shows a store manager only the relations, events, notes and attribution of their stores\' staff', async () => {
    for (const path of reads()) {
      const res = await call('GET', path, 'store_manager');
      expect(res.status, path).toBe(200);
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      expect(text, `store manager ${path}`).not.toMatch(/ZZOUT/);
      expect(text, `store manager ${path}`).not.toContain(phoneOut);
      expect(text, `store manager ${path}`).not.toContain(ids.staff.out.store_manager!);
    }
    const detail = (await call('GET', `/api/customers/${ext}`, 'store_manager')).body;
    const followers = detail.follows.map((f: { userid: string }) => f.userid);
    expect(followers).toContain(ids.staff.in.admin!);
    expect(followers).toContain(ids.staff.out.staff!); // store 1's other member: the manager's
    expect(followers).not.toContain(ids.staff.out.store_manager!);
    // The order is there (it is the customer's), without its attribution.
    const orders = (await call('GET', `/api/customers/${ext}/orders`, 'store_manager')).body.items;
    expect(orders.find((o: { orderId: string }) => o.orderId === 'matrix-order-out')).toMatchObject({ userid: null, codeId: null, channel: null, storeId: null });
    // Attributed to the manager's own staff member, but through another store's code: the attribution is left out whole.
    expect(orders.find((o: { orderId: string }) => o.orderId === 'matrix-order-mixed')).toMatchObject({ userid: null, codeId: null, channel: null, storeId: null });
    // The admin sees both orders' attribution.
    const all = (await call('GET', `/api/customers/${ext}/orders`, 'admin')).body.items;
    expect(all.find((o: { orderId: string }) => o.orderId === 'matrix-order-mixed')).toMatchObject({ userid: ids.staff.in.admin, channel: 'ZZOUT-mixed-channel' });
  });

  it('shows a staff member only their own relation', async () => {
    for (const path of reads()) {
      const res = await call('GET', path, 'staff');
      expect(res.status, path).toBe(200);
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      expect(text, `staff ${path}`).not.toMatch(/ZZOUT|ZZNOTX/);
      for (const v of [phoneOut, phoneNotX, ids.staff.out.store_manager!, ids.staff.out.staff!]) expect(text, `staff ${path}`).not.toContain(v);
    }
    const detail = (await call('GET', `/api/customers/${ext}`, 'staff')).body;
    expect(detail.follows.map((f: { userid: string }) => f.userid)).toEqual([ids.staff.in.admin!]);
    const side = (await call('GET', `/api/sidebar/customers/${ext}`, 'staff')).body;
    expect(side.mine.userid).toBe(ids.staff.in.admin!);
    expect(side.others).toEqual([]);
  });

  it('does not let filters and searches reach into relations the caller does not see', async () => {
    // Another store's remark or tag does not find the customer for a store manager; the admin finds it.
    for (const q of [`q=${encodeURIComponent('ZZOUT remark')}`, `tagIds=${tagOut}`]) {
      const sm = (await call('GET', `/api/customers?${q}`, 'store_manager')).body;
      expect(sm.items.map((c: { externalUserid: string }) => c.externalUserid), q).not.toContain(ext);
      const admin = (await call('GET', `/api/customers?${q}`, 'admin')).body;
      expect(admin.items.map((c: { externalUserid: string }) => c.externalUserid), q).toContain(ext);
    }
    // Nor does a segment's relation condition (the customer-level tag array holds every relation's tags).
    const rule = { type: 'tags', mode: 'any', tagIds: [tagOut] };
    for (const who of ['store_manager', 'staff'] as const) {
      const r = await pond.api('POST', '/api/segments/preview', { rule }, { token: tokens[who] });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.count, who).toBe(0);
    }
    expect((await pond.api('POST', '/api/segments/preview', { rule })).body.count).toBe(1);
    // Nor the tag tree's counts: how many customers carry a tag is counted over the relations the caller sees.
    const countOf = async (who: Who) => {
      const groups = (await call('GET', '/api/tags', who)).body.groups as { tags: { id: string; customerCount: number | null }[] }[];
      return groups.flatMap((g) => g.tags).find((t) => t.id === tagOut)?.customerCount;
    };
    expect(await countOf('admin')).toBe(1);
    expect(await countOf('store_manager')).toBe(0);
    expect(await countOf('staff')).toBe(0);
    // Nor a channel condition: the add through another store's channel was that store's staff member's.
    const byChannel = { type: 'channel', channels: ['ZZOUT-attr-channel'] };
    for (const who of ['store_manager', 'staff'] as const) {
      const r = await pond.api('POST', '/api/segments/preview', { rule: byChannel }, { token: tokens[who] });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.count, who).toBe(0);
    }
    expect((await pond.api('POST', '/api/segments/preview', { rule: byChannel })).body.count).toBe(1);
    // The list's tag column is the relations' the caller sees.
    for (const who of ['store_manager', 'staff'] as const) {
      const row = (await call('GET', '/api/customers?pageSize=200', who)).body.items.find((c: { externalUserid: string }) => c.externalUserid === ext);
      expect(row.tagIds, who).not.toContain(tagOut);
    }
    const adminRow = (await call('GET', `/api/customers?tagIds=${tagOut}`, 'admin')).body.items.find((c: { externalUserid: string }) => c.externalUserid === ext);
    expect(adminRow.tagIds).toContain(tagOut);
  });

  it('shows admins and operators every relation', async () => {
    for (const who of ['admin', 'operator'] as const) {
      const text = JSON.stringify([
        (await call('GET', `/api/customers/${ext}`, who)).body, (await call('GET', `/api/customers/${ext}/notes`, who)).body,
        (await call('GET', `/api/customers/${ext}/orders`, who)).body,
      ]);
      for (const v of ['ZZOUT remark', 'ZZNOTX remark', phoneOut, 'ZZOUT note', 'ZZNOTX note', 'ZZOUT-channel']) expect(text, `${who} sees ${v}`).toContain(v);
    }
  });
});

describe('cookie sessions', () => {
  const login = async () => {
    const res = await fetch(`${pond.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: pond.baseUrl }, body: JSON.stringify({ username: 'admin', password: pond.adminPassword }) });
    expect(res.status).toBe(200);
    return res.headers.get('set-cookie')!.split(';')[0];
  };

  it('refuses a write from another origin, and one that names no origin', async () => {
    const cookie = await login();
    const write = (headers: Record<string, string>) => fetch(`${pond.baseUrl}/api/script-folders`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie, ...headers }, body: JSON.stringify({ name: 'csrf' }),
    });
    expect((await write({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await write({})).status).toBe(403);
    expect((await write({ referer: 'https://evil.example/page' })).status).toBe(403);
    expect(await one(`SELECT count(*) FROM script_folders WHERE corp_id = $1 AND name = 'csrf'`, [pond.corpId])).toBe('0');
    expect((await write({ origin: pond.baseUrl })).status).toBe(200);
    // Reads need no origin (a link, a download).
    expect((await fetch(`${pond.baseUrl}/api/me`, { headers: { cookie } })).status).toBe(200);
  });
});
