// The public surface of the analytics module (Measure: funnel, cohorts, commerce; ADR 0023): the composition root (app.ts) imports only this.
export { analyticsRoutes } from './routes';
export { AnalyticsService } from './service';
export { refresh as refreshAnalytics } from './rollup';
