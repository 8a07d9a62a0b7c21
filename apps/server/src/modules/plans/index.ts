// The public surface of the plans module (campaign results, activity plans and their review; ADR 0030): app.ts imports
// only this, and a module that adds a campaign kind later implements `ResultProvider` and is registered there.
export { planRoutes } from './routes';
export { PlanService } from './service';
export { ResultRegistry, roiOf, totalsOf } from './results';
export type { ProviderRow, ResultProvider, ResultQuery } from './results';
export { broadcastResults, campaignResults, existingProviders, liveCodeResults, playbookResults } from './providers';
