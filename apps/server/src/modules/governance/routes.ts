// Contact governance: the corp's contact budget (admins change it) and each customer's ledger and budget left.
import { BudgetState, ContactPolicy, ContactPolicyBody, CustomerLedgerParams, LedgerPage, LedgerQuery } from '@pond/contracts/governance';
import type { App } from '../../platform/http';
import { access, ADMIN_ONLY, ALL_ROLES } from '../../platform/access';
import type { GovernanceService } from './service';

const TAGS = ['governance'];

export function governanceRoutes(app: App, deps: { governance: GovernanceService }) {
  const { governance } = deps;
  app.get('/api/governance/policy', {
    config: access(ALL_ROLES, { scope: 'corp' }),
    schema: { tags: TAGS, summary: "The corp's contact budget (反骚扰): caps, gap, quiet hours, de-duplication, do-not-disturb, WeCom's cap", response: { 200: ContactPolicy } },
  }, async (req) => governance.policy(req.principal!.corpId));
  app.put('/api/governance/policy', {
    config: { ...access(ADMIN_ONLY, { refs: { 'dndTagIds[]': 'tag' } }), audit: { action: 'governance.update' } },
    schema: { tags: TAGS, summary: 'Change the contact budget (admins)', body: ContactPolicyBody, response: { 200: ContactPolicy } },
  }, async (req) => governance.updatePolicy(req.principal!.corpId, req.body));
  app.get('/api/customers/:externalUserid/contacts', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }),
    schema: {
      tags: TAGS, summary: "A customer's contact ledger: every attempt to reach them (planned, sent, skipped and why)",
      params: CustomerLedgerParams, querystring: LedgerQuery, response: { 200: LedgerPage },
    },
  }, async (req) => governance.ledger(req.principal!.corpId, req.scope, req.params.externalUserid, req.query));
  app.get('/api/customers/:externalUserid/budget', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }),
    schema: { tags: TAGS, summary: "What is left of a customer's contact budget now", params: CustomerLedgerParams, response: { 200: BudgetState } },
  }, async (req) => governance.budget(req.principal!.corpId, req.params.externalUserid));
}
