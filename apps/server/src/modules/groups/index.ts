// The public surface of the groups module: other modules and the composition root (app.ts) import only this.
export { groupEventHandlers } from './events';
export { saveGroup } from './repo';
export { groupRoutes } from './routes';
export { groupsPage } from './service';
export { daysToPull, groupStatsStatus, pullGroupStatsDay } from './stats';
