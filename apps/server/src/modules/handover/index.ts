// The public surface of the handover module: other modules and the composition root (app.ts) import only this.
export { handoverRoutes } from './routes';
export { HandoverService } from './service';
