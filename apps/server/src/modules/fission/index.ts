// The public surface of the fission module (the three fission models as paths, issue 14): app.ts imports only this.
export { fissionRoutes } from './routes';
export { checkAnswers, FissionService, FUNNEL_MAX_DAYS, MODEL_STEPS } from './service';
