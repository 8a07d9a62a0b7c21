// The public surface of the segments module: other modules and the composition root (app.ts) import only this.
export { inSavedSegment, segmentRoutes } from './routes';
export { RULE_LIMITS, rfmCodeSql } from './rule';
export { EventWindowService } from './windows';
