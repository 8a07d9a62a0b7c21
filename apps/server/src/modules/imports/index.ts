// The public surface of the imports module: other modules and the composition root (app.ts) import only this.
export { importRoutes } from './routes';
export { ImportService } from './service';
