// The public surface of the commerce module: other modules and the composition root (app.ts) import only this.
export { OrderService, webhookPath } from './orders';
export { ORDER_EVENT, matchWaitingOrders } from './repo';
export { RFM_BUCKET_NAMES, bucketCode } from './rfm';
export type { RfmBucket } from './rfm';
export { commerceRoutes } from './routes';
export { OrderHooks } from './hooks';
export type { HookOrder, HookRefund, OrderListener } from './hooks';
