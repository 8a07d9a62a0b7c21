// The public surface of the staff-stats module (staff daily stats, group health, weekly digest): app.ts imports only this.
export { staffStatsRoutes } from './routes';
export { StaffStatsService, type BehaviorFetcher } from './service';
