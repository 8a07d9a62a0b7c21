// What the audit log calls each write. One rule names an action from its route and method
// (`PATCH /api/live-codes/:id` → `live_code.update`, `POST /api/live-codes/:id/archive` → `live_code.archive`);
// a route whose name the rule gets wrong says so in its Fastify config (`config: { audit: { action } }`), and a
// request that changes nothing — a preview, a dry run, a check — declares `config: { audit: false }` (or `skip`).
// Labels are kept here too, so the console and the API agree; a test fails for an audited route without one.
import type { FastifyRequest } from 'fastify';

export interface AuditRouteConfig {
  /** The action's name when the rule derives the wrong one: `resource.verb` in snake_case. */
  action?: string;
  /** A request of an audited route that changes nothing (e.g. `dryRun=true`). */
  skip?: (req: FastifyRequest) => boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: the route only reads (a preview, a check), even though it is a POST. */
    audit?: false | AuditRouteConfig;
  }
  interface FastifyInstance {
    /** Every audited route with its action, as registered (GET /api/audit/actions, tests). */
    auditedRoutes(): AuditedRoute[];
  }
}

export interface AuditedRoute { method: string; url: string; action: string }

export interface Bilingual { zh: string; en: string }

export const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const isParam = (segment: string) => segment.startsWith(':');
const singular = (word: string) => (word.endsWith('ss') || !word.endsWith('s') ? word : word.slice(0, -1));
const snake = (segment: string) => segment.replace(/-/g, '_');
const VERB_OF_METHOD: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' };

/**
 * The action a write to `url` (a route pattern) is recorded as. The resource is the route's literal segments, each
 * singular; the verb follows the method, except that a POST to `/…/:id/<word>` (a singular word) is that word:
 * `/api/bulk-tag-jobs/:id/cancel` → `bulk_tag_job.cancel`. A plural last word is a sub-collection: POST
 * `/api/customers/:id/notes` → `customer_note.create`.
 */
export function deriveAction(method: string, url: string): string {
  const segments = url.replace(/^\/api\//, '').split('/').filter(Boolean);
  const last = segments[segments.length - 1] ?? '';
  const beforeLast = segments[segments.length - 2];
  if (method === 'POST' && !isParam(last) && beforeLast !== undefined && isParam(beforeLast) && singular(last) === last) {
    const resource = segments.slice(0, -1).filter((s) => !isParam(s)).map((s) => snake(singular(s))).join('_');
    return `${resource}.${snake(last)}`;
  }
  const resource = segments.filter((s) => !isParam(s)).map((s) => snake(singular(s))).join('_');
  return `${resource}.${VERB_OF_METHOD[method] ?? method.toLowerCase()}`;
}

/** What the entry is about: the resource named before the route's first parameter (`/api/customers/:id/notes` → customer). */
export function targetTypeOf(url: string, action: string): string {
  const segments = url.replace(/^\/api\//, '').split('/').filter(Boolean);
  const first = segments.findIndex(isParam);
  if (first > 0) return snake(singular(segments[first - 1]));
  return action.slice(0, action.lastIndexOf('.'));
}

/** The route's audit name, or null when it is not audited (reads, previews, routes outside /api). */
export function auditActionOf(method: string, url: string, config: { audit?: false | AuditRouteConfig } | undefined): string | null {
  if (!WRITE_METHODS.has(method) || !url.startsWith('/api/') || config?.audit === false) return null;
  return config?.audit?.action ?? deriveAction(method, url);
}

const VERBS: Record<string, Bilingual> = {
  create: { zh: '新建', en: 'Create' },
  update: { zh: '修改', en: 'Update' },
  delete: { zh: '删除', en: 'Delete' },
  archive: { zh: '归档', en: 'Archive' },
  cancel: { zh: '取消', en: 'Cancel' },
  backfill: { zh: '回溯', en: 'Backfill' },
};

/** Every resource an audited route writes (and what entries are about), in both languages. */
export const NOUNS: Record<string, Bilingual> = {
  alert: { zh: '提醒', en: 'alert' },
  auto_tag_rule: { zh: '自动打标签规则', en: 'auto-tag rule' },
  broadcast: { zh: '群发', en: 'broadcast' },
  bulk_tag_job: { zh: '批量打标签任务', en: 'bulk tagging job' },
  checkin: { zh: '签到活动', en: 'check-in campaign' },
  corp: { zh: '企业', en: 'corp' },
  coupon_pool: { zh: '优惠券库', en: 'coupon pool' },
  corp_settings: { zh: '企业设置', en: 'corp settings' },
  customer: { zh: '客户', en: 'customer' },
  customer_follow: { zh: '客户备注与描述', en: 'customer remark and description' },
  customer_note: { zh: '客户笔记', en: 'customer note' },
  customer_tag: { zh: '客户标签', en: 'customer tags' },
  group: { zh: '客户群', en: 'group' },
  group_segment: { zh: '群分层', en: 'group segment' },
  group_welcome_template: { zh: '入群欢迎语', en: 'group welcome message' },
  invitation: { zh: '企业邀请', en: 'invitation' },
  invite: { zh: '邀请有礼活动（任务宝/群裂变）', en: 'invite campaign' },
  handover_job: { zh: '客户继承任务', en: 'handover job' },
  live_code: { zh: '活码', en: 'live code' },
  lottery: { zh: '抽奖活动', en: 'lottery' },
  media: { zh: '素材', en: 'media' },
  moment: { zh: '朋友圈', en: 'moment' },
  offer: { zh: '优惠活动（领券/拼团/砍价）', en: 'offer (coupon, group-buy, bargain)' },
  playbook: { zh: 'SOP 剧本', en: 'playbook' },
  poster_template: { zh: '海报模板', en: 'poster template' },
  playbook_enrolment: { zh: 'SOP 剧本客户', en: 'playbook enrolment' },
  referral: { zh: '推荐分销活动', en: 'referral programme' },
  redpacket: { zh: '定时红包规则', en: 'red-packet rule' },
  plan: { zh: '活动策划', en: 'activity plan' },
  fission: { zh: '裂变路径', en: 'fission path' },
  analytics_settings: { zh: '漏斗阶段定义', en: 'funnel stage definitions' },
  acquisition_link_setting: { zh: '获客链接设置', en: 'acquisition link settings' },
  faq: { zh: '问答库条目', en: 'FAQ entry' },
  faq_setting: { zh: '问答设置', en: 'FAQ settings' },
  moderation_rule: { zh: '群管规则', en: 'moderation rules' },
  moderation_intercept_rule: { zh: '敏感词拦截规则', en: 'intercept rule' },
  group_profile: { zh: '群分层人设', en: 'group tier profile' },
  group_profile_calendar: { zh: '群内容日历', en: 'group content calendar' },
  reward: { zh: '奖励', en: 'reward' },
  reward_settings: { zh: '奖励发放设置', en: 'reward payout settings' },
  archive_settings: { zh: '会话存档设置', en: 'chat archive settings' },
  rfm_thresholds: { zh: 'RFM 阈值', en: 'RFM thresholds' },
  script: { zh: '话术', en: 'script' },
  script_folder: { zh: '话术文件夹', en: 'script folder' },
  segment: { zh: '客户分层', en: 'segment' },
  store: { zh: '门店', en: 'store' },
  tag: { zh: '标签', en: 'tag' },
  tag_group: { zh: '标签组', en: 'tag group' },
  task: { zh: '员工任务', en: 'staff task' },
  token: { zh: 'API 令牌', en: 'API token' },
  user: { zh: '用户', en: 'user' },
  welcome_template: { zh: '欢迎语', en: 'welcome message' },
};

/** Actions whose words are not "verb + noun". */
const LABELS: Record<string, Bilingual> = {
  'alert.read': { zh: '标记提醒已读', en: 'Mark an alert read' },
  'archive.pull': { zh: '立即拉取会话存档', en: 'Pull the chat archive now' },
  'auth.login': { zh: '登录', en: 'Sign in' },
  'auth.logout': { zh: '退出登录', en: 'Sign out' },
  'auth.switch_corp': { zh: '切换企业', en: 'Switch corp' },
  'broadcast.send': { zh: '发送群发', en: 'Send a broadcast' },
  'campaign.status': { zh: '发布、暂停或结束活动', en: 'Publish, pause or end a campaign' },
  'fission.status': { zh: '发布、暂停或结束裂变路径', en: 'Publish, pause or end a fission path' },
  'broadcast.remind': { zh: '提醒员工确认群发', en: 'Remind staff to confirm a broadcast' },
  'coupon_pool.generate': { zh: '生成优惠券码', en: 'Generate coupon codes' },
  'coupon_pool.import': { zh: '导入优惠券码', en: 'Import coupon codes' },
  'customer_tag.update': { zh: '修改客户标签', en: 'Change customer tags' },
  'governance.update': { zh: '修改触达规则', en: 'Change the contact budget' },
  'import.customer_attributes': { zh: '导入客户属性', en: 'Import customer attributes' },
  'import.followers': { zh: '导入公众号粉丝', en: 'Import 公众号 followers' },
  'invitation.accept': { zh: '接受企业邀请', en: 'Accept an invitation' },
  'invitation.decline': { zh: '拒绝企业邀请', en: 'Decline an invitation' },
  'invite.review': { zh: '审核邀请记录', en: 'Review an invite credit' },
  'media.create': { zh: '上传素材', en: 'Upload media' },
  'moment.publish': { zh: '立即发表朋友圈', en: 'Post a moment now' },
  'moment.remind': { zh: '提醒员工发表朋友圈', en: 'Remind staff to post a moment' },
  'playbook.activate': { zh: '启动 SOP 剧本', en: 'Start a playbook' },
  'playbook.pause': { zh: '暂停 SOP 剧本', en: 'Pause a playbook' },
  'playbook.exit': { zh: '让客户退出 SOP 剧本', en: 'Exit customers from a playbook' },
  'poster_template.publish': { zh: '发布海报模板', en: 'Publish a poster template' },
  'playbook_enrolment.create': { zh: '将客户加入 SOP 剧本', en: 'Enrol customers in a playbook' },
  'order_webhook.regenerate': { zh: '重置订单 Webhook 地址', en: 'Regenerate the order webhook URL' },
  'analytics.refresh': { zh: '立即刷新数据汇总', en: 'Refresh the analytics rollups now' },
  'faq_question.faq': { zh: '由未命中问题新建问答', en: 'Make an FAQ from a question' },
  'faq_question.dismiss': { zh: '忽略未命中问题', en: 'Dismiss a question' },
  'moderation_offender.pardon': { zh: '解除客户群管处罚', en: 'Pardon a customer' },
  'referral.payout': { zh: '结算推荐佣金', en: 'Pay out referral commission' },
  'referral.my_link': { zh: '领取推荐链接', en: 'Get a referral link' },
  'reward.mark_issued': { zh: '标记奖励已发放', en: 'Mark a reward issued' },
  'reward.retry': { zh: '重试发放奖励', en: 'Retry a reward' },
  'reward.void': { zh: '作废奖励', en: 'Void a reward' },
  'reward_settings.regenerate_secret': { zh: '重置奖励 Webhook 密钥', en: 'Regenerate the reward webhook secret' },
  'script.send': { zh: '发送话术', en: 'Send a script' },
  'staff_stats.backfill': { zh: '回溯员工数据', en: 'Backfill staff stats' },
  'staff_stats_settings.update': { zh: '修改数据统计设置', en: 'Change the stats settings' },
  'sync_run.create': { zh: '发起同步', en: 'Start a sync' },
  'task.done': { zh: '完成员工任务', en: 'Mark a staff task done' },
  'task.skip': { zh: '跳过员工任务', en: 'Skip a staff task' },
  'user.delete': { zh: '从企业移除用户', en: 'Remove a user from the corp' },
};

/** "修改活码 / Update live code"; null for an action nobody named (the test over every route catches it). */
export function actionLabel(action: string): Bilingual | null {
  if (LABELS[action]) return LABELS[action];
  const dot = action.lastIndexOf('.');
  const noun = NOUNS[action.slice(0, dot)];
  const verb = VERBS[action.slice(dot + 1)];
  if (!noun || !verb) return null;
  return { zh: `${verb.zh}${noun.zh}`, en: `${verb.en} ${noun.en}` };
}
