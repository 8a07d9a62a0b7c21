// The public surface of the segments module: other modules and the composition root (app.ts) import only this.
export { inSavedSegment } from './repo';
export { rfmCodeSql, savedRule } from './rule';
export { segmentRoutes } from './routes';
export { SavedRules } from './saved-rules';
export { SegmentService } from './service';
export { EventWindowService } from './windows';
