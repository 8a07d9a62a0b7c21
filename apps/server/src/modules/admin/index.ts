// The public surface of the admin module: other modules and the composition root (app.ts) import only this.
export { auditRoutes } from './audit-routes';
export { adminRoutes } from './routes';
