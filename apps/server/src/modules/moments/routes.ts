// Moments (客户朋友圈). Admins and operators compose, publish, cancel, remind and refresh; everyone reads, store
// managers and staff only the moments their (stores') staff were given to post, and within one only those staff's
// posts, reach and interactions (a scheduled moment has no senders yet: it is theirs to see once WeCom gives it out).
import { IdParams } from '@pond/contracts/common';
import {
  Moment, MomentBody, MomentDetail, MomentInteractionPage, MomentInteractionQuery, MomentListQuery, MomentPage, MomentPreview, MomentPreviewBody,
  MomentRemindResult, MomentSyncBody, MomentSyncResult,
} from '@pond/contracts/moments';
import type { App } from '../../platform/http';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';
import type { MomentService } from './service';

const TAGS = ['moments'];
/** Ids a compose or preview body refers to: each must be the corp's (400 naming the field otherwise). */
const REFS = {
  'visibility.staffUserids[]': 'staff', 'visibility.departmentIds[]': 'department', 'visibility.tagIds[]': 'tag', autoTagId: 'tag',
  'attachments[].mediaId': 'media', 'attachments[].coverMediaId': 'media',
} as const;

export function momentRoutes(app: App, deps: { moments: MomentService }) {
  const { moments } = deps;
  app.get('/api/moments', {
    config: access(ALL_ROLES, { scope: 'filtered' }),
    schema: { tags: TAGS, summary: 'Moments, newest first (store managers and staff: those their staff were given to post)', querystring: MomentListQuery, response: { 200: MomentPage } },
  }, async (req) => moments.list(req.scope, req.query));
  app.post('/api/moments', {
    config: access(WRITE_ROLES, { refs: REFS }),
    schema: {
      tags: TAGS, summary: 'Compose a moment: text + up to 9 images, or 1 video, or 1 link; visible to staff/departments and customer tags; now or scheduled',
      description: 'Posted now (add_moment_task in the request) or at `scheduledAt`. `requestId` makes a retried request answer the moment it made.',
      body: MomentBody, response: { 200: Moment },
    },
  }, async (req) => moments.create(req.scope, req.body, req.principal!.name));
  app.post('/api/moments/preview', {
    config: { ...access(WRITE_ROLES, { refs: REFS }), audit: false },
    schema: { tags: TAGS, summary: 'Who would post it, how many customers would see it, and who is over their contact budget (when moments count)', body: MomentPreviewBody, response: { 200: MomentPreview } },
  }, async (req) => moments.preview(req.scope, req.body));
  app.post('/api/moments/sync', {
    config: { ...access(WRITE_ROLES, { scope: 'corp' }), audit: false },
    schema: { tags: TAGS, summary: 'Read moments made directly in WeCom (get_moment_list) into the list', body: MomentSyncBody, response: { 200: MomentSyncResult } },
  }, async (req) => moments.syncFromWecom(req.principal!.corpId, req.body.days));
  app.get('/api/moments/:id', {
    config: access(ALL_ROLES, { params: { id: 'moment' } }),
    schema: { tags: TAGS, summary: 'A moment with its senders: posted or not, reach, likes, comments, reminders', params: IdParams, response: { 200: MomentDetail } },
  }, async (req) => moments.detail(req.scope, req.params.id));
  app.get('/api/moments/:id/interactions', {
    config: access(ALL_ROLES, { params: { id: 'moment' } }),
    schema: { tags: TAGS, summary: "Likes and comments on the moment's posts, newest first, with the customers' names", params: IdParams, querystring: MomentInteractionQuery, response: { 200: MomentInteractionPage } },
  }, async (req) => moments.interactions(req.scope, req.params.id, req.query));
  app.post('/api/moments/:id/publish', {
    config: access(WRITE_ROLES, { params: { id: 'moment' } }),
    schema: { tags: TAGS, summary: 'Post a scheduled moment now (issued once however often this is called)', params: IdParams, response: { 200: Moment } },
  }, async (req) => moments.publishNow(req.scope, req.params.id));
  app.post('/api/moments/:id/cancel', {
    config: access(WRITE_ROLES, { params: { id: 'moment' } }),
    schema: { tags: TAGS, summary: 'Cancel a moment: cancel_moment_task, its staff tasks cancelled, the contact budget not yet spent released', params: IdParams, response: { 200: Moment } },
  }, async (req) => moments.cancel(req.scope, req.params.id));
  app.post('/api/moments/:id/remind', {
    config: access(WRITE_ROLES, { params: { id: 'moment' } }),
    schema: { tags: TAGS, summary: 'Remind the staff who have not posted yet (an app message to each)', params: IdParams, response: { 200: MomentRemindResult } },
  }, async (req) => moments.remind(req.scope, req.params.id));
  app.post('/api/moments/:id/refresh', {
    config: { ...access(WRITE_ROLES, { params: { id: 'moment' } }), audit: false },
    schema: { tags: TAGS, summary: 'Read the results from WeCom now', params: IdParams, response: { 200: MomentDetail } },
  }, async (req) => moments.refresh(req.scope, req.params.id));
}
