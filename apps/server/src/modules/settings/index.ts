// The public surface of the settings module: other modules and the composition root (app.ts) import only this.
export { settingsRoutes } from './routes';
export { checklistSummary } from './service';
