// What the staff pages ask the API for: the JS-SDK signature of their page, and the chat's customer as the
// member sees them. Both act for the signed-in member (the staff role), within their scope.
import type pg from 'pg';
import type { z } from 'zod';
import { WecomError } from '@pond/wecom';
import type { SidebarConfig, SidebarCustomer } from '@pond/contracts/sidebar';
import type { Principal, Scope } from '../../platform/auth';
import { AppError, fromWecomError } from '../../platform/errors';
import type { CorpService } from '../org';
import type { CustomerService } from '../customers';
import { listTagTree } from '../tags';

/** The JS-SDK APIs the staff pages register for (ww.register's jsApiList). */
export const STAFF_JS_APIS = ['getContext', 'getCurExternalContact', 'getCurExternalChat', 'sendChatMessage', 'openEnterpriseChat'];
/** The pages Pond signs: its own staff pages only. */
const STAFF_PAGES = ['/sidebar/', '/tasks/'];
/** Events of the timeline the sidebar shows (older ones: the console's customer page). */
const TIMELINE_EVENTS = 15;

export class SidebarService {
  constructor(private deps: { pool: pg.Pool; corps: CorpService; customers: CustomerService; publicUrl: () => string }) {}

  /**
   * The signature for the page at `pageUrl` (its #fragment dropped): agentConfig's from the app ticket, or with
   * ticket `corp` config's from the corp ticket (WeChat, and WeCom clients before 3.0.24 before agentConfig).
   */
  async config(p: Principal, pageUrl: string, ticket: 'agent' | 'corp' = 'agent'): Promise<z.output<typeof SidebarConfig>> {
    const { corps, publicUrl } = this.deps;
    const url = pageUrl.split('#')[0];
    const page = new URL(url);
    // A signature is good for any page on the app's trusted domain: sign only this Pond's own staff pages.
    if (page.origin !== new URL(publicUrl()).origin || !STAFF_PAGES.some((prefix) => page.pathname.startsWith(prefix))) {
      throw AppError.validation('url', `must be a Pond staff page (${publicUrl()}/sidebar/… or /tasks/…)`);
    }
    const corp = await corps.require(p.corpId);
    try {
      const client = await corps.client(corp.id);
      const sig = ticket === 'corp' ? await client.jsapiSignature(url) : await client.agentConfigSignature(url);
      return {
        corpId: corp.id, agentId: corp.agentId, timestamp: sig.timestamp, nonceStr: sig.nonceStr, signature: sig.signature,
        jsApiList: STAFF_JS_APIS, me: p.staffUserid ? { userid: p.staffUserid, name: p.name } : null,
      };
    } catch (err) {
      if (err instanceof WecomError) throw fromWecomError(err, "could not get the app's JS-SDK ticket from WeCom");
      throw err;
    }
  }

  /** Everything the sidebar shows for one customer in one round trip (the member's own relation first). */
  async customer(p: Principal, scope: Scope, externalUserid: string): Promise<z.output<typeof SidebarCustomer>> {
    const d = await this.deps.customers.detail(scope, externalUserid);
    const tagGroups = (await listTagTree(this.deps.pool, p.corpId, { counts: false }))
      .map((g) => ({ id: g.id, name: g.name, tags: g.tags.map((t) => ({ id: t.id, name: t.name })) }));
    const active = d.follows.filter((f) => f.status === 'active');
    return {
      customer: d.customer,
      mine: active.find((f) => f.userid === p.staffUserid) ?? null,
      others: active.filter((f) => f.userid !== p.staffUserid).map((f) => ({ userid: f.userid, staffName: f.staffName, addedAt: f.addedAt })),
      otherFollowCount: Math.max(0, d.customer.activeFollowCount - (active.some((f) => f.userid === p.staffUserid) ? 1 : 0)),
      groups: d.groups.filter((g) => !g.leftAt),
      timeline: d.timeline.slice(0, TIMELINE_EVENTS),
      tagGroups,
    };
  }
}
