// The staff task inbox: staff see their own tasks (the sidebar and the task page call these as the staff role), store
// managers their stores' staff's, operators and admins everyone's and the board.
import { IdParams } from '@pond/contracts/common';
import { Task, TaskBoard, TaskBoardQuery, TaskCreateBody, TaskDoneBody, TaskListQuery, TaskMessages, TaskPage, TaskSkipBody } from '@pond/contracts/tasks';
import type { App } from '../../platform/http';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';
import type { TaskService } from './service';

const TAGS = ['tasks'];

export function taskRoutes(app: App, deps: { tasks: TaskService }) {
  const { tasks } = deps;
  app.get('/api/tasks', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { externalUserid: 'customer', chatId: 'group', ownerUserid: 'staff' } }),
    schema: { tags: TAGS, summary: 'Tasks (staff: their own), open first by due time', querystring: TaskListQuery, response: { 200: TaskPage } },
  }, async (req) => tasks.list(req.scope, req.query));
  app.post('/api/tasks', {
    config: access(WRITE_ROLES, { refs: { ownerUserid: 'staff', externalUserid: 'customer', chatId: 'group' } }),
    schema: { tags: TAGS, summary: 'Ask a staff member to send something to a customer or group (the contact budget is asked first)', body: TaskCreateBody, response: { 200: Task } },
  }, async (req) => tasks.createManual(req.principal!.corpId, req.body, req.principal!.name));
  app.get('/api/tasks/board', {
    config: access(['admin', 'operator', 'store_manager'], { scope: 'filtered' }),
    schema: { tags: TAGS, summary: 'Due / done / overdue and completion per staff member and store (days in the corp time zone)', querystring: TaskBoardQuery, response: { 200: TaskBoard } },
  }, async (req) => tasks.board(req.scope, req.query));
  app.get('/api/tasks/:id', {
    config: access(ALL_ROLES, { params: { id: 'task' } }),
    schema: { tags: TAGS, params: IdParams, response: { 200: Task } },
  }, async (req) => tasks.get(req.principal!.corpId, req.params.id));
  app.get('/api/tasks/:id/messages', {
    config: access(ALL_ROLES, { params: { id: 'task' } }),
    schema: { tags: TAGS, summary: "The task's messages as sendChatMessage calls, placeholders filled", params: IdParams, response: { 200: TaskMessages } },
  }, async (req) => ({ items: await tasks.messages(req.principal!.corpId, req.params.id) }));
  app.post('/api/tasks/:id/done', {
    config: access(ALL_ROLES, { params: { id: 'task' } }),
    schema: { tags: TAGS, summary: 'Mark a task done (idempotent); its send counts as delivered', params: IdParams, body: TaskDoneBody, response: { 200: Task } },
  }, async (req) => tasks.done(req.principal!.corpId, req.params.id, req.body.via));
  app.post('/api/tasks/:id/skip', {
    config: access(ALL_ROLES, { params: { id: 'task' } }),
    schema: { tags: TAGS, summary: 'Skip a task with a reason; its budget is released', params: IdParams, body: TaskSkipBody, response: { 200: Task } },
  }, async (req) => tasks.skip(req.principal!.corpId, req.params.id, req.body.reason));
}
