// gettoken, IP lists, JS-SDK tickets, member OAuth (auth/getuserinfo), departments and members.
import type { SimContext } from '../context';
import { issueToken } from '../corps';
import { E } from '../errors';
import { issueTicket } from '../jssdk';
import { exchangeMemberCode } from '../pages/wecom-oauth';
import { departmentTree, getStaff, listDepartmentsJson, listStaff, STAFF_RESIGNED, userJson } from '../org';
import { encodeCursor, readCursor } from '../cursor';
import { limitOf } from '../validate';
import type { ApiRouter } from './route';

const SIM_IPS = ['127.0.0.1'];

export function registerAuthOrgRoutes(r: ApiRouter, ctx: SimContext): void {
  r.open('GET', 'gettoken', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    return issueToken(ctx, q.corpid, q.corpsecret);
  });
  r.get('getcallbackip', async () => ({ ip_list: SIM_IPS }));
  r.get('get_api_domain_ip', async () => ({ ip_list: SIM_IPS }));
  // Tickets are remembered: the simulated client (/wecom/chat) checks wx.config / wx.agentConfig
  // signatures against them.
  r.get('get_jsapi_ticket', async ({ auth }) => issueTicket(ctx, auth.corpId, 'jsapi'));
  r.get('ticket/get', async ({ auth, query }) => {
    if (query.type !== 'agent_config') throw E.invalidTicketType();
    return issueTicket(ctx, auth.corpId, 'agent_config');
  });
  r.get('auth/getuserinfo', async ({ auth, query }) => exchangeMemberCode(ctx, auth.corpId, query.code));

  r.get('department/list', async ({ auth, query }) => {
    const id = query.id ? Number(query.id) : undefined;
    const department = await listDepartmentsJson(ctx.db, auth.corpId, id);
    if (!department) throw E.param('id', `department ${query.id} not found`);
    return { department };
  });
  r.get('department/simplelist', async ({ auth, query }) => {
    const id = query.id ? Number(query.id) : undefined;
    const department = await listDepartmentsJson(ctx.db, auth.corpId, id);
    if (!department) throw E.param('id', `department ${query.id} not found`);
    return { department_id: department.map((d) => ({ id: d.id, parentid: d.parentid, order: d.order })) };
  });
  r.get('department/get', async ({ auth, query }) => {
    const all = await listDepartmentsJson(ctx.db, auth.corpId);
    const d = all?.find((x) => x.id === Number(query.id));
    if (!d) throw E.param('id', `department ${query.id ?? ''} not found`);
    return { department: d };
  });

  r.get('user/get', async ({ auth, query }) => {
    if (!query.userid) throw E.param('userid', 'required');
    const s = await getStaff(ctx.db, auth.corpId, query.userid);
    if (!s || s.status === STAFF_RESIGNED) throw E.invalidUserid(query.userid);
    return userJson(s);
  });
  const byDepartment = async (corpId: string, query: Record<string, string | undefined>) => {
    if (!query.department_id) throw E.param('department_id', 'required');
    const ids = await departmentTree(ctx.db, corpId, Number(query.department_id), query.fetch_child === '1');
    if (!ids) throw E.param('department_id', `department ${query.department_id} not found`);
    return (await listStaff(ctx.db, corpId)).filter((s) => s.department.some((d) => ids.includes(d)));
  };
  r.get('user/list', async ({ auth, query }) => ({ userlist: (await byDepartment(auth.corpId, query)).map(userJson) }));
  r.get('user/simplelist', async ({ auth, query }) => ({
    userlist: (await byDepartment(auth.corpId, query)).map((s) => ({ userid: s.userid, name: s.name, department: s.department, open_userid: s.userid })),
  }));
  r.post('user/list_id', async ({ auth, body }) => {
    const limit = limitOf(body, 'limit', 10_000, 10_000);
    const after = readCursor(body.cursor);
    const all = (await listStaff(ctx.db, auth.corpId)).sort((a, b) => a.userid.localeCompare(b.userid));
    const rest = after ? all.filter((s) => s.userid > after) : all;
    const page = rest.slice(0, limit);
    return {
      dept_user: page.flatMap((s) => s.department.map((d) => ({ userid: s.userid, department: d }))),
      ...(rest.length > limit ? { next_cursor: encodeCursor(page[page.length - 1].userid) } : { next_cursor: '' }),
    };
  });
}
