// The public surface of the org module: other modules and the composition root (app.ts) import only this.
export { CorpService, encryptCorpSecrets } from './corps';
export type { CorpRow } from './corps';
export { orgRoutes } from './routes';
