// What the sidebar's script asks the API for: the agentConfig signature of its page, and the chat's customer as the
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

export const SIDEBAR_JS_APIS = ['getContext', 'getCurExternalContact', 'getCurExternalChat', 'sendChatMessage'];
/** Events of the timeline the sidebar shows (older ones: the console's customer page). */
const TIMELINE_EVENTS = 15;

export class SidebarService {
  constructor(private deps: { pool: pg.Pool; corps: CorpService; customers: CustomerService; publicUrl: () => string }) {}

  /** wx.agentConfig's signature for the page at `pageUrl` (its #fragment dropped), from the app ticket. */
  async config(p: Principal, pageUrl: string): Promise<z.output<typeof SidebarConfig>> {
    const { corps, publicUrl } = this.deps;
    const url = pageUrl.split('#')[0];
    const page = new URL(url);
    // A signature is good for any page on the app's trusted domain: sign only this Pond's own sidebar pages.
    if (page.origin !== new URL(publicUrl()).origin || !page.pathname.startsWith('/sidebar/')) {
      throw AppError.validation('url', `must be a Pond sidebar page (${publicUrl()}/sidebar/…)`);
    }
    const corp = await corps.require(p.corpId);
    try {
      const sig = await (await corps.client(corp.id)).agentConfigSignature(url);
      return {
        corpId: corp.id, agentId: corp.agentId, timestamp: sig.timestamp, nonceStr: sig.nonceStr, signature: sig.signature,
        jsApiList: SIDEBAR_JS_APIS, me: p.staffUserid ? { userid: p.staffUserid, name: p.name } : null,
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
