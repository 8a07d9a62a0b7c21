// The public surface of the broadcasts module (群发): other modules and app.ts import only this.
export { broadcastRoutes } from './routes';
export { BroadcastService, MAX_CUSTOMERS_PER_CALL, MAX_GROUPS_PER_CALL } from './service';
export { findMassSend, massMsgidsInUse } from './adopt';
export type { MassSendLookup } from './adopt';
