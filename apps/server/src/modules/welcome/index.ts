// The public surface of the welcome module: other modules and the composition root (app.ts) import only this.
export { groupWelcomeRoutes } from './group-templates';
export { welcomeRoutes } from './routes';
export { WelcomeService } from './service';
