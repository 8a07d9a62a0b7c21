// The public surface of the org module: other modules and the composition root (app.ts) import only this.
export { CorpService, encryptCorpSecrets, NEGATIVE_CACHE } from './corps';
export { WecomOrigins, wecomOriginsFor, normaliseBase, type WecomBaseKind } from './wecom-origins';
export type { CorpRow } from './corps';
export { orgRoutes } from './routes';
