// The public surface of the posters module (poster templates, the checker, staff cards): app.ts and other modules
// (invite tasks draw each participant's poster with PosterService.renderPersonal) import only this.
export { posterRoutes } from './routes';
export { PosterCache, PosterService, type PersonalVars, type RenderedPoster } from './service';
export { liveCodePoster as defaultPosterDesign } from './defaults';
