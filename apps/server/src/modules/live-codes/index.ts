// The public surface of the live-codes module: other modules and the composition root (app.ts) import only this.
export { acquireHooks } from './attribution';
export { GroupCodeRotation } from './group-codes';
export { demoLink, landingRoutes } from './landing';
export { liveCodeRoutes } from './routes';
export { LiveCodeService, splitState } from './service';
export { identify, isAutomated, openWechatIdentity, WECHAT_COOKIE } from './identity';
export type { Visitor } from './identity';
export type { CodeConfig } from './repo';
// The QR drawing the posters module puts on every poster (and the referral page's plain QR).
export { qrModules, renderQrPng, renderQrSvg } from './render';
export { codeStats, sumStats } from './stats';
// How far back an add looks for the visit behind it (invite links' visits use the same window).
export { VISIT_WINDOW } from './repo';
