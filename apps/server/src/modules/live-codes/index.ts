// The public surface of the live-codes module: other modules and the composition root (app.ts) import only this.
export { acquireHooks } from './attribution';
export { GroupCodeRotation } from './group-codes';
export { landingRoutes } from './landing';
export { liveCodeRoutes } from './routes';
export { LiveCodeService } from './service';
import type { PosterSpec } from './render';
export type { PosterSpec };
/** The 9:16 poster (satori + resvg), loaded on first use: the renderer and its font stay out of start-up. */
export const renderPoster = async (spec: PosterSpec): Promise<Buffer> => (await import('./render')).renderPoster(spec);
export { identify, isAutomated, openWechatIdentity, WECHAT_COOKIE } from './identity';
export type { Visitor } from './identity';
