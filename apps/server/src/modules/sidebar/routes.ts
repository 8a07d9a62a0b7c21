// The staff pages that open inside WeCom, on one bundle (apps/h5, @wecom/jssdk):
// - the chat sidebar (聊天工具栏): /sidebar/<corpid> is the page entered in WeCom admin for the app. It asks
//   the client which chat it is in and shows that customer's profile, editable tags, recent timeline, the
//   member's pending tasks for them (one tap sends them) and scripts (tap to send with sendChatMessage);
// - the task page: /tasks/<corpid>[?task=<id>], linked from the app messages that tell members about tasks.
// Both sign the member in by WeCom web OAuth (signin.ts) into a sidebar session, register with the app
// ticket's signature (/api/sidebar/config, WECOM.md §14), and read and write through the ordinary API as the
// staff role, so a member only ever sees their own customers, groups and tasks.
import type pg from 'pg';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SidebarConfig, SidebarConfigQuery, SidebarCustomer, SidebarCustomerParams } from '@pond/contracts/sidebar';
import type { App } from '../../platform/http';
import type { AuthService } from '../../platform/auth';
import type { Logger } from '../../platform/log';
import type { CorpService } from '../org';
import type { CustomerService } from '../customers';
import { access, publicRoute, ALL_ROLES } from '../../platform/access';
import { H5Bundle } from './bundle';
import { staffNotice, staffPage, type StaffPageKind } from './page';
import { SidebarService, STAFF_JS_APIS } from './service';
import { staffSignIn, type SignInDeps } from './signin';

const TAGS = ['sidebar'];

/** The JS bridge a page needs before the bundle: none in WeCom (the client injects WeixinJSBridge), the simulator's bridge otherwise. */
export const bridgeScripts = (web: string | null) => (web ? [`${web}/jssdk/bridge.js`] : []);

type PageRequest = FastifyRequest<{ Params: { corpId: string }; Querystring: Record<string, string | undefined> }>;

export async function sidebarRoutes(app: App, deps: SignInDeps & { customers: CustomerService; pool: pg.Pool; auth: AuthService; corps: CorpService; log: Logger; bundle?: H5Bundle }) {
  const sidebar = new SidebarService(deps);
  const bundle = deps.bundle ?? new H5Bundle();
  bundle.serve(app);

  const page = (kind: StaffPageKind, req: PageRequest, reply: FastifyReply) =>
    staffSignIn(deps, kind, req, reply, (s) => {
      const files = bundle.files();
      if (!files) return reply.code(503).send(staffNotice(kind, '页面尚未构建', 'The staff pages are not built: run `npm run build -w apps/h5` (npm start does it).'));
      const task = Number(req.query.task);
      return reply.send(staffPage({
        page: kind, corpId: s.corp.id, agentId: s.corp.agentId, jsApiList: STAFF_JS_APIS, timezone: s.corp.timezone, me: s.me,
        taskId: kind === 'tasks' && Number.isSafeInteger(task) && task > 0 ? task : null,
      }, files, bridgeScripts(s.web)));
    });
  const signInDoc = 'A signed-in member gets the page (HTML). Otherwise 302 to WeCom web OAuth (snsapi_base), which returns here with '
    + '`code` and `state`: the member is signed in (a `pond_sidebar` cookie) and sent back here without them (303). A sign-in '
    + 'that expired or came from elsewhere, or a code WeCom does not know, is a 400 page; someone who is not an active member a 403 '
    + 'page; WeCom failing a 502 page.';

  // The pages are for WeCom's client, not API callers: described here, left out of /docs.
  app.get('/sidebar/:corpId', {
    config: publicRoute('the chat sidebar page: signs the member in by WeCom OAuth'),
    schema: { hide: true, produces: ['text/html'], summary: 'The chat sidebar page (聊天工具栏), entered in WeCom admin', description: signInDoc },
  }, async (req: PageRequest, reply) => page('sidebar', req, reply));

  app.get('/tasks/:corpId', {
    config: publicRoute('the staff task page: signs the member in by WeCom OAuth'),
    schema: { hide: true, produces: ['text/html'], summary: "The staff task page (my tasks), linked from WeCom app messages; `?task=<id>` shows that task first", description: signInDoc },
  }, async (req: PageRequest, reply) => page('tasks', req, reply));

  /** ww.register's signatures for the page at `url` (without its #fragment): agentConfig's (app ticket), or config's with ticket=corp. */
  app.get('/api/sidebar/config', {
    config: access(ALL_ROLES, { scope: 'self' }),
    schema: { tags: TAGS, summary: 'JS-SDK signature for a staff page (the sidebar, the task page)', querystring: SidebarConfigQuery, response: { 200: SidebarConfig } },
  }, async (req) => sidebar.config(req.principal!, req.query.url, req.query.ticket));

  app.get('/api/sidebar/customers/:externalUserid', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }), schema: {
      tags: TAGS, summary: "A customer as the sidebar shows them: profile, the member's relation and tags, groups, recent timeline",
      params: SidebarCustomerParams, response: { 200: SidebarCustomer },
    },
  }, async (req) => sidebar.customer(req.principal!, req.scope, req.params.externalUserid));
}
