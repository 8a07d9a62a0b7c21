// The public surface of the moments module (客户朋友圈): other modules and app.ts import only this.
export { momentRoutes } from './routes';
export { MomentService } from './service';
