// The public surface of the callbacks module (WeCom's callback receiver): other modules and the composition root
// (app.ts) import only this. The inbox it writes to, its processor and handler types are platform/inbox.
export { callbackRoutes } from './routes';
/** Kept for modules that still import the handler context from here; it is platform/inbox's. */
export type { EventContext } from '../../platform/inbox';
