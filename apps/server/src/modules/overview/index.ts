// The public surface of the overview module: other modules and the composition root (app.ts) import only this.
export { overviewRoutes } from './routes';
export { OverviewService } from './service';
