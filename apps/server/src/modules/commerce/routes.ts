// The shop's order webhook (no session: the per-corp secret in the URL authenticates it, checked before the
// body is read), the customer page's orders, and the order settings: the webhook URL (admins) and
// the RFM thresholds (admins and operators change them; every role reads them).
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CustomerOrders, OrderSettings, OrderWebhookBody, OrderWebhookParams, OrderWebhookResult, RfmThresholdsInput } from '@pond/contracts/commerce';
import { CustomerParams } from '@pond/contracts/customers';
import type { App } from '../../platform/http';
import { access, publicRoute, ALL_ROLES, WRITE_ROLES, ADMIN_ONLY } from '../../platform/access';
import { webhookPath, type OrderService } from './orders';

/** Bytes of an order webhook's body. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export interface CommerceDeps {
  orders: OrderService;
  publicUrl: () => string;
  /** After an admin regenerated the token (the demo points the simulator's shop at the new URL). */
  onWebhookTokenChanged?: (corpId: string, token: string) => Promise<void>;
}

export function commerceRoutes(app: App, deps: CommerceDeps): void {
  const { orders } = deps;

  app.post('/webhooks/orders/:corpId/:token', { config: publicRoute('the shop: the per-corp secret in the URL, checked before the body is read'),
    // The URL's secret first, before the body is read: a caller without it gets 401 whatever it sends, and no
    // parsing. A paid order at its largest (500 items) is far below the limit.
    onRequest: async (req: FastifyRequest) => {
      const { corpId, token } = req.params as { corpId: string; token: string };
      await orders.verifyWebhook(corpId, token);
    },
    bodyLimit: WEBHOOK_BODY_LIMIT,
    schema: {
      tags: ['orders'], summary: "The shop's order webhook: order.paid and order.refunded (docs/api.md); idempotent on the order id",
      security: [], params: OrderWebhookParams, body: OrderWebhookBody, response: { 200: OrderWebhookResult },
    },
  }, (req) => orders.receive(req.params.corpId, req.body));

  app.get('/api/customers/:externalUserid/orders', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }),
    schema: { tags: ['orders'], summary: "A customer's orders, totals, R/F/M and RFM bucket", params: CustomerParams, response: { 200: CustomerOrders } },
  }, (req) => orders.customerOrders(req.scope, req.params.externalUserid));

  const settingsOut = async (corpId: string, isAdmin: boolean): Promise<z.output<typeof OrderSettings>> => ({
    // The URL carries the secret: only admins see it.
    webhookUrl: isAdmin ? `${deps.publicUrl()}${webhookPath(corpId, await orders.webhookToken(corpId))}` : null,
    rfm: await orders.thresholds(corpId),
  });

  app.get('/api/settings/orders', {
    config: access(ALL_ROLES, { scope: 'corp' }),
    schema: { tags: ['settings'], summary: 'Order webhook URL (admins) and RFM thresholds', response: { 200: OrderSettings } },
  }, (req) => settingsOut(req.principal!.corpId, req.principal!.role === 'admin'));

  app.put('/api/settings/rfm', {
    config: { ...access(WRITE_ROLES), audit: { action: 'rfm_thresholds.update' } },
    schema: { tags: ['settings'], summary: 'Change the RFM thresholds', body: RfmThresholdsInput, response: { 200: OrderSettings } },
  }, async (req) => {
    await orders.updateThresholds(req.principal!.corpId, req.body);
    return settingsOut(req.principal!.corpId, req.principal!.role === 'admin');
  });

  app.post('/api/settings/orders/webhook-token', {
    config: { ...access(ADMIN_ONLY), audit: { action: 'order_webhook.regenerate' } },
    schema: { tags: ['settings'], summary: 'A new order webhook secret (the old URL stops working)', response: { 200: OrderSettings } },
  }, async (req) => {
    const corpId = req.principal!.corpId;
    const token = await orders.regenerateToken(corpId);
    await deps.onWebhookTokenChanged?.(corpId, token);
    return settingsOut(corpId, true);
  });
}
