// The public surface of the welcome module: other modules and the composition root (app.ts) import only this.
export { groupWelcomeRoutes } from './group-routes';
export { welcomeRoutes } from './routes';
export { WelcomeService, type SendForAddArgs, type SendOutcome } from './service';
export { toWecomAttachments, validateContentAt } from './content';
