// The public surface of the invites module (任务宝 / 群裂变, issue 14): app.ts imports only this.
export { inviteRoutes } from './routes';
export { InviteService } from './service';
export { defaultPosterRenderer } from './poster';
export { designerPosterRenderer } from './poster';
export type { InvitePosterRenderer, PosterVars } from './poster';
