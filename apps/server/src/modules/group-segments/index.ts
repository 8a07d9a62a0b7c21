// The public surface of the group-segments module: other modules and the composition root (app.ts) import only this.
export { groupSegmentRoutes } from './routes';
export { inSavedGroupSegment } from './repo';
