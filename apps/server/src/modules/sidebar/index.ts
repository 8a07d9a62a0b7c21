// The public surface of the sidebar module: other modules and the composition root (app.ts) import only this.
export { sidebarRoutes } from './routes';
export { CUSTOMER_ENTRY, H5Bundle, STAFF_ENTRY } from './bundle';
export type { BundleFiles } from './bundle';
