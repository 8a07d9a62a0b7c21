// The public surface of the customers module: other modules and the composition root (app.ts) import only this.
export { CustomerEdits } from './edits';
export { addedKey, contactEventHandlers } from './events';
export type { ContactEventHooks } from './events';
export { markRelationTags } from './relation-tags';
export { LOCKED_FIRST, appendTimeline, lockCustomersInOrder, notNewer, refreshFollowCounts, storeContactDetails, syncVersion, upsertCustomers, upsertFollows } from './repo';
export type { ContactRecord, FollowRecord, RelationVersion, TimelineEvent } from './repo';
export { customerRoutes } from './routes';
export { CustomerService } from './service';
