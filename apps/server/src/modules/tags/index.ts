// The public surface of the tags module: other modules and the composition root (app.ts) import only this.
export { AutoTagRules } from './auto-rules';
export { autoTagRuleRoutes } from './auto-rules-routes';
export { BulkTagService } from './bulk';
export { bulkTagRoutes } from './bulk-routes';
export { tagEventHandlers } from './events';
export { listTagTree, saveTagGroups } from './repo';
export { tagRoutes } from './routes';
export { TagService } from './service';
