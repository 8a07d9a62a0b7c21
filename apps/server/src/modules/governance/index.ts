// The public surface of the governance module (the contact budget): other modules and app.ts import only this.
export { governanceRoutes } from './routes';
export { GovernanceService, type PlanOutcome, type PlanRequest, type PlanTarget } from './service';
export { adjustForQuiet, contentHash, contentPreview, DEFAULT_POLICY, inQuietHours, type Policy } from './policy';
