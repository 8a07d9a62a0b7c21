// The public surface of the scripts module: other modules and the composition root (app.ts) import only this.
export { scriptRoutes } from './routes';
export { ScriptService } from './service';
