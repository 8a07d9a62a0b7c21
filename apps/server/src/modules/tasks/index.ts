// The public surface of the tasks module (the staff task inbox): other modules and app.ts import only this.
export { taskRoutes } from './routes';
export { chatMessages, TaskService, type NewTask, type TaskEndListener } from './service';
