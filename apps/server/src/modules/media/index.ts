// The public surface of the media module: other modules and the composition root (app.ts) import only this.
export { mediaRoutes } from './routes';
export { MediaService, MOMENT_ATTACHMENT, type InspectedAsset } from './service';
export { imageSize, mp4Seconds } from './inspect';
