// The public surface of the playbooks module (SOP): other modules and app.ts import only this.
export { Playbooks } from './engine';
export { playbookRoutes } from './routes';
export { PlaybookService } from './service';
