// The public surface of the offers module (coupon campaigns and limited-time offers, group-buy, bargain): app.ts imports only this.
export { OfferConsole } from './console';
export { offerRoutes } from './routes';
export { nextCut, REFUSALS } from './rules';
export { OfferService } from './service';
