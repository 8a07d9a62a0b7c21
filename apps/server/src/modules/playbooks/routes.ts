// Playbooks (SOP). Who may do what: admins and operators build, start, pause and archive playbooks and enrol or exit
// customers by hand; store managers read them — the definitions are corp-wide, and every number, run and enrolment they
// see is narrowed to their stores' staff (the owner of each run or enrolment); staff reach their playbook work as tasks
// (the task inbox and the sidebar), not here.
import {
  EnrolBody, EnrolmentPage, EnrolmentQuery, EnrolResult, ExitBody, ExitResult, Playbook, PlaybookBody, PlaybookIdParams, PlaybookList, PlaybookListQuery,
  PlaybookPatchBody, PlaybookStats, RunPage, RunQuery, SchedulePreview, SchedulePreviewBody, Upcoming, UpcomingQuery,
} from '@pond/contracts/playbooks';
import type { Role } from '@pond/contracts/auth';
import type { App } from '../../platform/http';
import { access, WRITE_ROLES } from '../../platform/access';
import type { PlaybookService } from './service';

const TAGS = ['playbooks'];
/** Read access: the roles that plan and oversee the work (staff see theirs as tasks). */
export const READ_ROLES: readonly Role[] = ['admin', 'operator', 'store_manager'];
const DEFINITION_REFS = {
  'trigger.codeIds[]': 'liveCode', 'trigger.tagIds[]': 'tag', 'trigger.segmentId': 'segment', 'exits[].tagIds[]': 'tag',
  'exits[].chatIds[]': 'group', 'exits[].playbookIds[]': 'playbook', 'audience.chatIds[]': 'group',
} as const;

export function playbookRoutes(app: App, deps: { playbooks: PlaybookService }) {
  const { playbooks } = deps;
  app.get('/api/playbooks', {
    config: access(READ_ROLES, { scope: 'filtered' }),
    schema: { tags: TAGS, summary: 'Playbooks (SOP), active first, with enrolments and sends in your scope', querystring: PlaybookListQuery, response: { 200: PlaybookList } },
  }, async (req) => playbooks.list(req.scope, req.query));

  app.post('/api/playbooks', {
    config: access(WRITE_ROLES, { refs: DEFINITION_REFS }),
    schema: { tags: TAGS, summary: 'Create a playbook (a draft until activated)', body: PlaybookBody, response: { 200: Playbook } },
  }, async (req) => playbooks.create(req.scope, req.body, req.principal!.name));

  // Before /:id so that "schedule-preview" is never read as an id.
  app.post('/api/playbooks/schedule-preview', {
    config: { ...access(READ_ROLES, { scope: 'corp' }), audit: false },
    schema: { tags: TAGS, summary: 'When unsaved steps would go out: for a customer enrolled now (or at `from`), or a calendar’s next occurrences', body: SchedulePreviewBody, response: { 200: SchedulePreview } },
  }, async (req) => playbooks.schedulePreview(req.principal!.corpId, req.body));

  app.get('/api/playbooks/:id', {
    config: access(READ_ROLES, { params: { id: 'playbook' } }),
    schema: { tags: TAGS, params: PlaybookIdParams, response: { 200: Playbook } },
  }, async (req) => playbooks.get(req.scope, req.params.id));

  app.patch('/api/playbooks/:id', {
    config: access(WRITE_ROLES, { params: { id: 'playbook' }, refs: DEFINITION_REFS }),
    schema: { tags: TAGS, summary: 'Change a playbook; steps listed with their id keep their results, steps left out are removed (their waiting runs skipped)', params: PlaybookIdParams, body: PlaybookPatchBody, response: { 200: Playbook } },
  }, async (req) => playbooks.update(req.scope, req.params.id, req.body));

  app.post('/api/playbooks/:id/activate', {
    config: access(WRITE_ROLES, { params: { id: 'playbook' } }),
    schema: { tags: TAGS, summary: 'Start or resume: triggers enrol from now on, due steps go out', params: PlaybookIdParams, response: { 200: Playbook } },
  }, async (req) => playbooks.activate(req.scope, req.params.id));

  app.post('/api/playbooks/:id/pause', {
    config: access(WRITE_ROLES, { params: { id: 'playbook' } }),
    schema: { tags: TAGS, summary: 'Pause: no enrolments, due steps wait (a step more than a day late when resumed is skipped as missed)', params: PlaybookIdParams, response: { 200: Playbook } },
  }, async (req) => playbooks.pause(req.scope, req.params.id));

  app.delete('/api/playbooks/:id', {
    config: { ...access(WRITE_ROLES, { params: { id: 'playbook' } }), audit: { action: 'playbook.archive' } },
    schema: { tags: TAGS, summary: 'Archive: live enrolments exit, waiting steps are skipped, open tasks cancelled', params: PlaybookIdParams, response: { 200: Playbook } },
  }, async (req) => playbooks.archive(req.scope, req.params.id));

  app.post('/api/playbooks/:id/enrolments', {
    config: access(WRITE_ROLES, { params: { id: 'playbook' }, refs: { ownerUserid: 'staff' } }),
    schema: { tags: TAGS, summary: 'Enrol customers by hand (a list) or from a CSV of external_userids; each skipped one says why', params: PlaybookIdParams, body: EnrolBody, response: { 200: EnrolResult } },
  }, async (req) => playbooks.enrolByHand(req.scope, req.params.id, req.body));

  app.post('/api/playbooks/:id/exit', {
    config: access(WRITE_ROLES, { params: { id: 'playbook' } }),
    schema: { tags: TAGS, summary: "End customers' live enrolments (their waiting steps are skipped, open tasks cancelled)", params: PlaybookIdParams, body: ExitBody, response: { 200: ExitResult } },
  }, async (req) => playbooks.exitByHand(req.scope, req.params.id, req.body.externalUserids));

  app.get('/api/playbooks/:id/enrolments', {
    config: access(READ_ROLES, { params: { id: 'playbook' } }),
    schema: { tags: TAGS, summary: 'Enrolments, newest first (store managers: their stores’ staff’s)', params: PlaybookIdParams, querystring: EnrolmentQuery, response: { 200: EnrolmentPage } },
  }, async (req) => playbooks.enrolments(req.scope, req.params.id, req.query));

  app.get('/api/playbooks/:id/runs', {
    config: access(READ_ROLES, { params: { id: 'playbook' } }),
    schema: { tags: TAGS, summary: 'Every step to every target: planned, task created, sent (late), skipped and why, failed', params: PlaybookIdParams, querystring: RunQuery, response: { 200: RunPage } },
  }, async (req) => playbooks.runs(req.scope, req.params.id, req.query));

  app.get('/api/playbooks/:id/stats', {
    config: access(READ_ROLES, { params: { id: 'playbook' } }),
    schema: { tags: TAGS, summary: 'The funnel of each step and completion by staff member', params: PlaybookIdParams, response: { 200: PlaybookStats } },
  }, async (req) => playbooks.stats(req.scope, req.params.id));

  app.get('/api/playbooks/:id/upcoming', {
    config: access(READ_ROLES, { params: { id: 'playbook' } }),
    schema: { tags: TAGS, summary: 'The next sends (the next due runs, or the calendar’s next occurrences for its groups)', params: PlaybookIdParams, querystring: UpcomingQuery, response: { 200: Upcoming } },
  }, async (req) => playbooks.upcoming(req.scope, req.params.id, req.query.limit));
}
