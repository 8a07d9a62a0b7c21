// The public surface of the sync module: other modules and the composition root (app.ts) import only this.
export { SyncService } from './service';
