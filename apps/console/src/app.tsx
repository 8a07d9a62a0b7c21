// Routes and the console shell: side menu, header with corp switcher, language switch and user
// menu. Pages are loaded on demand; admin pages are hidden from and refused to other roles (the
// server enforces the same with 403).
import {
  AimOutlined,
  ProjectOutlined,
  RiseOutlined,
  AccountBookOutlined,
  TagOutlined,
  CalendarOutlined,
  RedEnvelopeOutlined,
  ApartmentOutlined,
  FileSearchOutlined,
  AuditOutlined,
  CommentOutlined,
  DashboardOutlined,
  DownOutlined,
  KeyOutlined,
  LineChartOutlined,
  LogoutOutlined,
  MenuFoldOutlined,
  MenuUnfoldOutlined,
  QrcodeOutlined,
  SettingOutlined,
  ShopOutlined,
  SmileOutlined,
  TagsOutlined,
  ClusterOutlined,
  TeamOutlined,
  UserOutlined,
  UsergroupAddOutlined,
  NodeIndexOutlined,
  SafetyOutlined,
  SwapOutlined,
  MessageOutlined,
  ThunderboltOutlined,
  SendOutlined,
  NotificationOutlined,
  CheckSquareOutlined,
  QuestionCircleOutlined,
  SafetyCertificateOutlined,
  CameraOutlined,
  ScheduleOutlined,
  GiftOutlined,
  RocketOutlined,
  TrophyOutlined,
  ShareAltOutlined,
  DollarOutlined,
  FundOutlined,
  FunnelPlotOutlined,
  TableOutlined,
  ShoppingOutlined,
  PictureOutlined,
} from '@ant-design/icons';
import { App as AntApp, Avatar, Button, Dropdown, Flex, Layout, Menu, Result, Select, Tag, Typography, theme } from 'antd';
import type { MenuProps } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from './api/client';
import { LanguageSwitch } from './components/language-switch';
import { Forbidden, NotFound, PageSpinner } from './components/results';
import { currentLanguage, hasStoredLanguage, loadNamespaces, setLanguage, toLanguage, type Namespace } from './i18n';
import { setTimeZone } from './lib/format';
import { useLabels } from './lib/labels';
import { AlertsBell } from './modules/alerts/alerts-bell';
import { useLogout, useMe, useSwitchCorp, type Me, type Role } from './modules/auth/hooks';

/**
 * A page loaded on demand, together with the strings it shows: its module's namespace and those of
 * the pickers it uses from other modules, fetched in parallel with its code. (A namespace left out
 * here still loads when its component renders, one round trip later.)
 */
function page(load: () => Promise<{ default: ComponentType }>, namespaces: Namespace[]) {
  return lazy(() => Promise.all([load(), loadNamespaces(namespaces)]).then(([module]) => module));
}

const LoginPage = page(() => import('./modules/auth/login-page'), ['auth']);
const OverviewPage = page(() => import('./modules/overview/overview-page'), ['overview', 'customers']);
// Measure (数据): funnel, cohorts, commerce
const FunnelPage = page(() => import('./modules/analytics/funnel-page'), ['analytics', 'liveCodes', 'staff']);
const CohortsPage = page(() => import('./modules/analytics/cohorts-page'), ['analytics', 'liveCodes', 'staff']);
const CommercePage = page(() => import('./modules/analytics/commerce-page'), ['analytics', 'liveCodes', 'staff']);
// Measure: campaign results (活动效果) and activity plans with their review (活动策划 / 复盘).
const ResultsPage = page(() => import('./modules/plans/results-page'), ['plans', 'liveCodes', 'staff']);
const PlansPage = page(() => import('./modules/plans/plans-page'), ['plans']);
const PlanFormPage = page(() => import('./modules/plans/plan-form-page'), ['plans', 'staff']);
const PlanReviewPage = page(() => import('./modules/plans/plan-review-page'), ['plans', 'liveCodes']);
const PlanPrintPage = page(() => import('./modules/plans/plan-print-page'), ['plans', 'liveCodes']);
const StaffPage = page(() => import('./modules/staff/staff-page'), ['staff']);
const CustomersPage = page(() => import('./modules/customers/customers-page'), ['customers', 'tags', 'staff']);
const CustomerDetailPage = page(() => import('./modules/customers/customer-detail-page'), ['customers', 'groups', 'rewards', 'archive']);
const GroupsPage = page(() => import('./modules/groups/groups-page'), ['groups', 'staff']);
const GroupDetailPage = page(() => import('./modules/groups/group-detail-page'), ['groups', 'archive']);
const TagsPage = page(() => import('./modules/tags/tags-page'), ['tags']);
const LiveCodesPage = page(() => import('./modules/live-codes/live-codes-page'), ['liveCodes']);
const LiveCodeFormPage = page(() => import('./modules/live-codes/live-code-form-page'), ['liveCodes', 'stores', 'staff', 'welcome', 'groups']);
const LiveCodeDetailPage = page(() => import('./modules/live-codes/live-code-detail-page'), ['liveCodes', 'groups']);
const ChannelStatsPage = page(() => import('./modules/live-codes/channel-stats-page'), ['liveCodes']);
const WelcomePage = page(() => import('./modules/welcome/welcome-page'), ['welcome', 'staff']);
const StoresPage = page(() => import('./modules/stores/stores-page'), ['stores', 'staff']);
const SettingsPage = page(() => import('./modules/settings/settings-page'), ['settings', 'rewards']);
const RewardsPage = page(() => import('./modules/rewards/rewards-page'), ['rewards']);
const CouponPoolsPage = page(() => import('./modules/coupon-pools/coupon-pools-page'), ['couponPools']);
const UsersPage = page(() => import('./modules/admin/users-page'), ['admin', 'staff']);
const TokensPage = page(() => import('./modules/admin/tokens-page'), ['admin', 'staff']);
const AuditPage = page(() => import('./modules/admin/audit-page'), ['admin']);
const HandoverPage = page(() => import('./modules/handover/handover-page'), ['handover', 'staff', 'groups', 'segments']);
const AutoRulesPage = page(() => import('./modules/tags/auto-rules-page'), ['tags']);
const ScriptsPage = page(() => import('./modules/scripts/scripts-page'), ['scripts']);
const SegmentsPage = page(() => import('./modules/segments/segments-page'), ['segments', 'customers', 'tags', 'staff']);
const BroadcastsPage = page(() => import('./modules/broadcasts/broadcasts-page'), ['broadcasts', 'governance', 'welcome', 'tags', 'staff', 'segments', 'groupSegments']);
const BroadcastDetailPage = page(() => import('./modules/broadcasts/broadcast-detail-page'), ['broadcasts', 'governance']);
const TasksPage = page(() => import('./modules/tasks/tasks-page'), ['tasks']);
const ContactRulesPage = page(() => import('./modules/governance/contact-rules-page'), ['governance', 'tags']);
// Group operations (issue 16): keyword answers (FAQ) and moderation with tier personas.
const FaqPage = page(() => import('./modules/faq/faq-page'), ['faq']);
const ModerationPage = page(() => import('./modules/moderation/moderation-page'), ['moderation']);
const MomentsPage = page(() => import('./modules/moments/moments-page'), ['moments', 'staff', 'tags']);
const MomentDetailPage = page(() => import('./modules/moments/moment-detail-page'), ['moments', 'staff', 'tags']);
// Playbooks (SOP): list, results, builder.
const PlaybooksPage = page(() => import('./modules/playbooks/playbooks-page'), ['playbooks']);
const PlaybookDetailPage = page(() => import('./modules/playbooks/playbook-detail-page'), ['playbooks', 'staff']);
const PlaybookBuilderPage = page(() => import('./modules/playbooks/playbook-builder-page'), ['playbooks', 'welcome', 'tags', 'liveCodes', 'segments', 'groups']);
const OffersPage = page(() => import('./modules/offers/offers-page'), ['offers', 'campaigns']);
const OfferDetailPage = page(() => import('./modules/offers/offer-detail-page'), ['offers', 'campaigns']);
// Activate: lotteries (抽奖).
const LotteriesPage = page(() => import('./modules/lottery/lotteries-page'), ['lottery', 'campaigns']);
const LotteryDetailPage = page(() => import('./modules/lottery/lottery-detail-page'), ['lottery', 'campaigns']);
const LotteryFormPage = page(() => import('./modules/lottery/lottery-form-page'), ['lottery']);
// Activate (issue 13): check-in campaigns.
const CheckinsPage = page(() => import('./modules/checkin/checkins-page'), ['checkin', 'campaigns']);
const CheckinDetailPage = page(() => import('./modules/checkin/checkin-detail-page'), ['checkin', 'campaigns']);
const CheckinFormPage = page(() => import('./modules/checkin/checkin-form-page'), ['checkin']);
// Activate: planned red-packet rules (定时红包).
const RedpacketsPage = page(() => import('./modules/redpackets/redpackets-page'), ['redpackets', 'campaigns']);
const RedpacketDetailPage = page(() => import('./modules/redpackets/redpacket-detail-page'), ['redpackets', 'campaigns']);
const RedpacketFormPage = page(() => import('./modules/redpackets/redpacket-form-page'), ['redpackets', 'campaigns']);
const ReferralsPage = page(() => import('./modules/referrals/referrals-page'), ['referrals', 'campaigns']);
const ReferralDetailPage = page(() => import('./modules/referrals/referral-detail-page'), ['referrals', 'campaigns']);
const ReferralFormPage = page(() => import('./modules/referrals/referral-form-page'), ['referrals']);
// Measure (issue 15): staff stats and group health.
const StaffStatsPage = page(() => import('./modules/staff-stats/staff-stats-page'), ['staffStats']);
const GroupHealthPage = page(() => import('./modules/staff-stats/group-health-page'), ['staffStats']);
// Spread (issue 14): the poster designer and checker, staff cards and badges.
const PostersPage = page(() => import('./modules/posters/posters-page'), ['posters', 'staff']);
const PosterDesignerPage = page(() => import('./modules/posters/poster-designer-page'), ['posters']);
// Spread (issue 14): invite campaigns (任务宝 / 群裂变).
const InvitesPage = page(() => import('./modules/invites/invites-page'), ['invites', 'campaigns']);
const InviteDetailPage = page(() => import('./modules/invites/invite-detail-page'), ['invites', 'campaigns']);
const InviteFormPage = page(() => import('./modules/invites/invite-form-page'), ['invites']);
const FissionPage = page(() => import('./modules/fission/fission-page'), ['fission']);
const FissionDetailPage = page(() => import('./modules/fission/fission-detail-page'), ['fission']);
const FissionWizardPage = page(() => import('./modules/fission/fission-wizard-page'), ['fission']);
// Chat archive (会话内容存档, issue 16): search.
const ArchivePage = page(() => import('./modules/archive/archive-page'), ['archive']);
const GroupSegmentsPage = page(() => import('./modules/group-segments/group-segments-page'), ['groupSegments', 'groups', 'segments', 'staff']);

export function App() {
  return (
    <Suspense fallback={<PageSpinner />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route element={<RequireAuth />}>
          {/* The review's print page: no console frame around it. */}
          <Route element={<RequireRole roles={PLAYBOOK_ROLES} />}>
            <Route path="plans/:id/print" element={<PlanPrintPage />} />
          </Route>
          <Route element={<Shell />}>
            <Route index element={<OverviewPage />} />
            <Route path="analytics/funnel" element={<FunnelPage />} />
            <Route path="analytics/cohorts" element={<CohortsPage />} />
            <Route path="analytics/commerce" element={<CommercePage />} />
            <Route element={<RequireRole roles={PLAYBOOK_ROLES} />}>
              <Route path="results" element={<ResultsPage />} />
            </Route>
            {/* Store managers read their stores' plans; admins and operators write them. */}
            <Route element={<RequireRole roles={PLAYBOOK_ROLES} />}>
              <Route path="plans" element={<PlansPage />} />
              <Route path="plans/:id" element={<PlanReviewPage />} />
            </Route>
            <Route element={<RequireRole roles={WRITE_ROLES} />}>
              <Route path="plans/new" element={<PlanFormPage />} />
              <Route path="plans/:id/edit" element={<PlanFormPage />} />
            </Route>
            <Route path="staff" element={<StaffPage />} />
            <Route path="customers" element={<CustomersPage />} />
            <Route path="customers/:externalUserid" element={<CustomerDetailPage />} />
            <Route path="segments" element={<SegmentsPage />} />
            <Route path="groups" element={<GroupsPage />} />
            <Route path="groups/:chatId" element={<GroupDetailPage />} />
            <Route path="group-segments" element={<GroupSegmentsPage />} />
            <Route path="tags" element={<TagsPage />} />
            <Route path="auto-tag-rules" element={<AutoRulesPage />} />
            <Route path="scripts" element={<ScriptsPage />} />
            <Route path="moments" element={<MomentsPage />} />
            <Route path="moments/:id" element={<MomentDetailPage />} />
            <Route path="live-codes" element={<LiveCodesPage />} />
            <Route path="live-codes/:id" element={<LiveCodeDetailPage />} />
            <Route path="channel-stats" element={<ChannelStatsPage />} />
            <Route path="welcome" element={<WelcomePage />} />
            <Route path="stores" element={<StoresPage />} />
            <Route path="tasks" element={<TasksPage />} />
            <Route element={<RequireRole roles={PLAYBOOK_ROLES} />}>
              <Route path="faq" element={<FaqPage />} />
              <Route path="moderation" element={<ModerationPage />} />
            </Route>
            <Route path="contact-rules" element={<ContactRulesPage />} />
            <Route path="offers" element={<OffersPage />} />
            <Route path="offers/:id" element={<OfferDetailPage />} />
            <Route path="rewards" element={<RewardsPage />} />
            <Route path="lotteries" element={<LotteriesPage />} />
            <Route path="lotteries/:id" element={<LotteryDetailPage />} />
            <Route path="checkins" element={<CheckinsPage />} />
            <Route path="checkins/:id" element={<CheckinDetailPage />} />
            <Route path="redpackets" element={<RedpacketsPage />} />
            <Route path="redpackets/:id" element={<RedpacketDetailPage />} />
            <Route path="referrals" element={<ReferralsPage />} />
            <Route path="referrals/:id" element={<ReferralDetailPage />} />
            <Route path="posters" element={<PostersPage />} />
            <Route path="invites" element={<InvitesPage />} />
            <Route path="invites/:id" element={<InviteDetailPage />} />
            <Route path="fission" element={<FissionPage />} />
            <Route path="fission/:id" element={<FissionDetailPage />} />
            <Route path="archive" element={<ArchivePage />} />
            <Route element={<RequireRole roles={PLAYBOOK_ROLES} />}>
              <Route path="playbooks" element={<PlaybooksPage />} />
              <Route path="stats/staff" element={<StaffStatsPage />} />
              <Route path="stats/groups" element={<GroupHealthPage />} />
              <Route path="playbooks/:id" element={<PlaybookDetailPage />} />
            </Route>
            <Route element={<RequireRole roles={WRITE_ROLES} />}>
              <Route path="playbooks/new" element={<PlaybookBuilderPage />} />
              <Route path="lotteries/new" element={<LotteryFormPage />} />
              <Route path="lotteries/:id/edit" element={<LotteryFormPage />} />
              <Route path="playbooks/:id/edit" element={<PlaybookBuilderPage />} />
              <Route path="live-codes/new" element={<LiveCodeFormPage />} />
              <Route path="live-codes/:id/edit" element={<LiveCodeFormPage />} />
              <Route path="handover" element={<HandoverPage />} />
              <Route path="broadcasts" element={<BroadcastsPage />} />
              <Route path="broadcasts/:id" element={<BroadcastDetailPage />} />
              <Route path="coupon-pools" element={<CouponPoolsPage />} />
              <Route path="checkins/new" element={<CheckinFormPage />} />
              <Route path="checkins/:id/edit" element={<CheckinFormPage />} />
              <Route path="redpackets/new" element={<RedpacketFormPage />} />
              <Route path="redpackets/:id/edit" element={<RedpacketFormPage />} />
              <Route path="referrals/new" element={<ReferralFormPage />} />
              <Route path="referrals/:id/edit" element={<ReferralFormPage />} />
              <Route path="posters/new" element={<PosterDesignerPage />} />
              <Route path="posters/:id" element={<PosterDesignerPage />} />
              <Route path="invites/new" element={<InviteFormPage />} />
              <Route path="fission/new" element={<FissionWizardPage />} />
              <Route path="invites/:id/edit" element={<InviteFormPage />} />
            </Route>
            <Route element={<RequireRole roles={SETTINGS_ROLES} />}>
              <Route path="settings" element={<SettingsPage />} />
            </Route>
            <Route element={<RequireRole roles={ADMIN_ROLES} />}>
              <Route path="admin/users" element={<UsersPage />} />
              <Route path="admin/tokens" element={<TokensPage />} />
              <Route path="admin/audit" element={<AuditPage />} />
            </Route>
            <Route path="*" element={<NotFound />} />
          </Route>
        </Route>
      </Routes>
    </Suspense>
  );
}

function RequireAuth() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();

  useEffect(() => {
    // The user's saved locale applies until this browser makes its own choice.
    const preferred = toLanguage(me.data?.user.locale);
    if (preferred && !hasStoredLanguage() && preferred !== currentLanguage()) setLanguage(preferred, false);
  }, [me.data?.user.locale]);

  if (me.isLoading) return <PageSpinner />;
  if (me.error instanceof ApiError && me.error.status === 401) {
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  if (me.error || !me.data) {
    return (
      <Result
        status="error"
        title={t('loadFailed')}
        subTitle={me.error?.message}
        extra={<Button onClick={() => void me.refetch()}>{t('retry')}</Button>}
      />
    );
  }
  // Every time on every page is in the corp's zone; a new zone (Settings, another corp) renders all anew.
  const zone = me.data.corp?.timezone ?? null;
  setTimeZone(zone);
  return <Outlet key={zone ?? ''} />;
}

// Operators may read the connection, the checklist and sync runs and start a sync; only admins
// change the connection (the server answers 403 otherwise) or manage users, tokens and the audit log.
const SETTINGS_ROLES: readonly Role[] = ['admin', 'operator'];
const ADMIN_ROLES: readonly Role[] = ['admin'];
// Live codes, welcome messages and stores: everyone reads (store managers within their stores),
// admins and operators change them.
const WRITE_ROLES: readonly Role[] = ['admin', 'operator'];
// Playbooks: admins and operators build them, store managers read their stores' results (staff get tasks).
const PLAYBOOK_ROLES: readonly Role[] = ['admin', 'operator', 'store_manager'];

function RequireRole({ roles }: { roles: readonly Role[] }) {
  const me = useMe();
  return me.data && roles.includes(me.data.role) ? <Outlet /> : <Forbidden />;
}

type MenuItem = Required<MenuProps>['items'][number];

function useMenuItems(me: Me): MenuItem[] {
  const { t } = useTranslation();
  return useMemo(() => {
    const items: MenuItem[] = [
      { key: '/', icon: <DashboardOutlined />, label: t('nav.overview') },
      {
        key: 'measure',
        icon: <FundOutlined />,
        label: t('nav.measure') /* 数据 / Measure */,
        children: [
          { key: '/analytics/funnel', icon: <FunnelPlotOutlined />, label: t('nav.funnel') },
          { key: '/analytics/cohorts', icon: <TableOutlined />, label: t('nav.cohorts') },
          { key: '/analytics/commerce', icon: <ShoppingOutlined />, label: t('nav.commerce') },
          // Staff stats and group health: for those who oversee staff (store managers their stores'); staff do not see them.
          ...(PLAYBOOK_ROLES.includes(me.role) ? [
            { key: '/stats/staff', icon: <TeamOutlined />, label: t('nav.staffStats') },
            { key: '/stats/groups', icon: <CommentOutlined />, label: t('nav.groupHealth') },
          ] : []),
          ...(PLAYBOOK_ROLES.includes(me.role) ? [{ key: '/results', icon: <RiseOutlined />, label: t('nav.results') }] : []),
          ...(PLAYBOOK_ROLES.includes(me.role) ? [{ key: '/plans', icon: <ProjectOutlined />, label: t('nav.plans') }] : []),
        ],
      },
      {
        key: 'acquire',
        icon: <AimOutlined />,
        label: t('nav.acquire'),
        children: [
          { key: '/live-codes', icon: <QrcodeOutlined />, label: t('nav.liveCodes') },
          { key: '/channel-stats', icon: <LineChartOutlined />, label: t('nav.channelStats') },
          { key: '/welcome', icon: <SmileOutlined />, label: t('nav.welcome') },
          { key: '/stores', icon: <ShopOutlined />, label: t('nav.stores') },
          { key: '/posters', icon: <PictureOutlined />, label: t('nav.posters') },
        ],
      },
      { key: '/staff', icon: <TeamOutlined />, label: t('nav.staff') },
      { key: '/customers', icon: <UserOutlined />, label: t('nav.customers') },
      { key: '/segments', icon: <ClusterOutlined />, label: t('nav.segments') },
      ...(WRITE_ROLES.includes(me.role) ? [{ key: '/handover', icon: <SwapOutlined />, label: t('nav.handover') }] : []),
      { key: '/groups', icon: <CommentOutlined />, label: t('nav.groups') },
      { key: '/group-segments', icon: <ApartmentOutlined />, label: t('nav.groupSegments') },
      { key: '/archive', icon: <FileSearchOutlined />, label: t('nav.archive') },
      ...(PLAYBOOK_ROLES.includes(me.role) ? [
        { key: '/faq', icon: <QuestionCircleOutlined />, label: t('nav.faq') },
        { key: '/moderation', icon: <SafetyCertificateOutlined />, label: t('nav.moderation') },
      ] : []),
      {
        key: 'tagging',
        icon: <TagsOutlined />,
        label: t('nav.tags'),
        children: [
          { key: '/tags', icon: <TagsOutlined />, label: t('nav.tagLibrary') },
          { key: '/auto-tag-rules', icon: <ThunderboltOutlined />, label: t('nav.autoRules') },
        ],
      },
      { key: '/scripts', icon: <MessageOutlined />, label: t('nav.scripts') },
      {
        key: 'convert',
        icon: <SendOutlined />,
        label: t('nav.convert'),
        children: [
          ...(PLAYBOOK_ROLES.includes(me.role) ? [{ key: '/playbooks', icon: <ScheduleOutlined />, label: t('nav.playbooks') }] : []),
          ...(WRITE_ROLES.includes(me.role) ? [{ key: '/broadcasts', icon: <NotificationOutlined />, label: t('nav.broadcasts') }] : []),
          { key: '/moments', icon: <CameraOutlined />, label: t('nav.moments') },
          { key: '/tasks', icon: <CheckSquareOutlined />, label: t('nav.tasks') },
          { key: '/contact-rules', icon: <SafetyCertificateOutlined />, label: t('nav.contactRules') },
        ],
      },
      {
        key: 'activate',
        icon: <RocketOutlined />,
        label: t('nav.activate') /* 激活活动 / Activate */,
        children: [
          { key: '/lotteries', icon: <TrophyOutlined />, label: t('nav.lotteries') },
          { key: '/offers', icon: <GiftOutlined />, label: t('nav.offers') },
          { key: '/rewards', icon: <AccountBookOutlined />, label: t('nav.rewards') },
          ...(WRITE_ROLES.includes(me.role) ? [{ key: '/coupon-pools', icon: <TagOutlined />, label: t('nav.couponPools') }] : []),
          { key: '/checkins', icon: <CalendarOutlined />, label: t('nav.checkins') },
          { key: '/redpackets', icon: <RedEnvelopeOutlined />, label: t('nav.redpackets') },
        ],
      },
      {
        key: 'spread',
        icon: <ShareAltOutlined />,
        label: t('nav.spread') /* 传播裂变 / Spread */,
        children: [
          { key: '/invites', icon: <UsergroupAddOutlined />, label: t('nav.invites') },
          { key: '/referrals', icon: <DollarOutlined />, label: t('nav.referrals') },
          { key: '/fission', icon: <NodeIndexOutlined />, label: t('nav.fission') },
        ],
      },
    ];
    if (SETTINGS_ROLES.includes(me.role)) items.push({ key: '/settings', icon: <SettingOutlined />, label: t('nav.settings') });
    if (ADMIN_ROLES.includes(me.role)) {
      items.push(
        {
          key: 'admin',
          icon: <SafetyOutlined />,
          label: t('nav.admin'),
          children: [
            { key: '/admin/users', icon: <UsergroupAddOutlined />, label: t('nav.users') },
            { key: '/admin/tokens', icon: <KeyOutlined />, label: t('nav.tokens') },
            { key: '/admin/audit', icon: <AuditOutlined />, label: t('nav.audit') },
          ],
        },
      );
    }
    return items;
  }, [me.role, t]);
}

const MENU_KEYS = [
  '/admin/users',
  '/admin/tokens',
  '/admin/audit',
  '/settings',
  '/staff',
  '/customers',
  '/segments',
  '/handover',
  '/groups',
  '/group-segments',
  '/archive',
  '/faq',
  '/moderation',
  '/tags',
  '/auto-tag-rules',
  '/scripts',
  '/broadcasts',
  '/moments',
  '/tasks',
  '/contact-rules',
  '/playbooks',
  '/lotteries',
  '/checkins',
  '/redpackets',
  '/live-codes',
  '/channel-stats',
  '/welcome',
  '/stores',
  '/offers',
  '/rewards',
  '/coupon-pools',
  '/referrals',
  '/stats/staff',
  '/stats/groups',
  '/posters',
  '/invites',
  '/fission',
  '/results',
  '/plans',
];
const ACQUIRE_KEYS = ['/live-codes', '/channel-stats', '/welcome', '/stores', '/posters'];
const TAGGING_KEYS = ['/tags', '/auto-tag-rules'];
const CONVERT_KEYS = ['/playbooks', '/broadcasts', '/moments', '/tasks', '/contact-rules'];
const ACTIVATE_KEYS = ['/lotteries', '/checkins', '/redpackets', '/offers', '/coupon-pools', '/rewards'];
const SPREAD_KEYS = ['/invites', '/referrals', '/fission'];
const STATS_KEYS = ['/stats/staff', '/stats/groups', '/results', '/plans'];

function selectedKey(pathname: string): string {
  return MENU_KEYS.find((key) => pathname === key || pathname.startsWith(`${key}/`)) ?? '/';
}

function Shell() {
  const { data: me } = useMe();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const { token } = theme.useToken();
  const [collapsed, setCollapsed] = useState(false);
  const items = useMenuItems(me!);
  const selected = selectedKey(location.pathname);
  const [openKeys, setOpenKeys] = useState<string[]>(
    selected.startsWith('/admin/') ? ['admin'] : ACQUIRE_KEYS.includes(selected) ? ['acquire'] : TAGGING_KEYS.includes(selected) ? ['tagging']
      : CONVERT_KEYS.includes(selected) ? ['convert'] : ACTIVATE_KEYS.includes(selected) ? ['activate'] : SPREAD_KEYS.includes(selected) ? ['spread']
        : STATS_KEYS.includes(selected) || selected.startsWith('/analytics/') ? ['measure'] : [],
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} trigger={null} width={208} breakpoint="lg" onBreakpoint={setCollapsed}>
        <div className="pond-logo">
          <PondMark />
          {collapsed ? null : <span>{t('app.brand')}</span>}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          items={items}
          selectedKeys={[selected]}
          openKeys={collapsed ? undefined : openKeys}
          onOpenChange={setOpenKeys}
          onClick={({ key }) => navigate(key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: token.colorBgContainer,
            padding: '0 16px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            gap: 12,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            position: 'sticky',
            top: 0,
            zIndex: 10,
          }}
        >
          <Flex align="center" gap={8} style={{ minWidth: 0 }}>
            <Button
              type="text"
              icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
              aria-label={collapsed ? t('app.expand') : t('app.collapse')}
              onClick={() => setCollapsed(!collapsed)}
            />
            <CorpSwitcher me={me!} />
          </Flex>
          <Flex align="center" gap={16}>
            <AlertsBell />
            <LanguageSwitch />
            <UserMenu me={me!} />
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Suspense fallback={<PageSpinner />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

function PondMark() {
  return (
    <svg width="24" height="24" viewBox="0 0 32 32" aria-hidden style={{ flex: 'none' }}>
      <ellipse cx="16" cy="19" rx="14" ry="9" fill="#1677ff" />
      <path d="M9 18c3-4 8-4 11 0-3 4-8 4-11 0zm11 0l4-3v6z" fill="#fff" />
    </svg>
  );
}

/** The demo corp's tag opens the simulator's two sides: a customer's phone and a staff member's WeCom client (chat sidebar). */
function DemoMenu() {
  const { t } = useTranslation();
  const items: MenuProps['items'] = [
    { key: 'phone', label: <a href="/sim/phone" target="_blank" rel="noreferrer">{t('app.demoPhone')}</a> },
    { key: 'wecom', label: <a href="/sim/wecom" target="_blank" rel="noreferrer">{t('app.demoWecom')}</a> },
  ];
  return (
    <Dropdown menu={{ items }} trigger={['click', 'hover']}>
      <Tag color="gold" style={{ cursor: 'pointer' }} data-testid="demo-menu">
        {t('app.demo')} <DownOutlined style={{ fontSize: 10 }} />
      </Tag>
    </Dropdown>
  );
}

function CorpSwitcher({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const switchCorp = useSwitchCorp();
  const demo = me.corp?.isDemo ? <DemoMenu /> : null;

  if (me.corps.length <= 1) {
    return (
      <Flex align="center" gap={8} data-testid="corp-name">
        <Typography.Text strong ellipsis>
          {me.corp?.name ?? t('none')}
        </Typography.Text>
        {demo}
      </Flex>
    );
  }
  return (
    <Flex align="center" gap={8}>
      <Select<string>
        aria-label={t('app.switchCorp')}
        value={me.corp?.id}
        loading={switchCorp.isPending}
        onChange={(corpId) =>
          switchCorp.mutate(corpId, {
            onSuccess: (next) => {
              void message.success(t('app.corpSwitched', { name: next.corp?.name ?? corpId }));
              void navigate('/');
            },
          })
        }
        options={me.corps.map((c) => ({ value: c.id, label: c.name }))}
        popupMatchSelectWidth={false}
        style={{ minWidth: 180 }}
        data-testid="corp-switcher"
      />
      {demo}
    </Flex>
  );
}

function UserMenu({ me }: { me: Me }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const navigate = useNavigate();
  const logout = useLogout();
  const name = me.user.displayName || me.user.username;

  const items: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <div>
          <div>{me.user.username}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {labels.role(me.role)}
          </Typography.Text>
        </div>
      ),
    },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: t('app.logout'), danger: true },
  ];

  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'logout') logout.mutate(undefined, { onSettled: () => void navigate('/login', { replace: true }) });
  };

  return (
    <Dropdown menu={{ items, onClick }} trigger={['click']} placement="bottomRight">
      <Button type="text" data-testid="user-menu" style={{ paddingInline: 8 }}>
        <Flex align="center" gap={8}>
          <Avatar size="small" style={{ backgroundColor: '#1677ff' }}>
            {name.slice(0, 1).toUpperCase()}
          </Avatar>
          <span>{name}</span>
          <DownOutlined style={{ fontSize: 10 }} />
        </Flex>
      </Button>
    </Dropdown>
  );
}

