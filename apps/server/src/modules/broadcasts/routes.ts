// Broadcasts (群发): operators and admins compose, preview (who would be skipped and why), send or schedule, remind,
// cancel and read results. Store managers and staff do not see broadcasts; staff get a confirm task for their part.
import { IdParams, Ok } from '@pond/contracts/common';
import {
  Broadcast, BroadcastBody, BroadcastDetail, BroadcastListQuery, BroadcastPage, BroadcastPatchBody, BroadcastPreview, BroadcastPreviewBody,
  BroadcastSendBody, BroadcastTargetPage, BroadcastTargetQuery,
} from '@pond/contracts/broadcasts';
import { z } from 'zod';
import type { App } from '../../platform/http';
import { access, WRITE_ROLES } from '../../platform/access';
import type { BroadcastService } from './service';

const TAGS = ['broadcasts'];
const AUDIENCE_REFS = {
  'audience.tagIds[]': 'tag', 'audience.excludeTagIds[]': 'tag', 'audience.segmentId': 'segment', 'audience.excludeSegmentId': 'segment',
  'audience.groupSegmentId': 'groupSegment', 'audience.staffUserids[]': 'staff',
} as const;

export function broadcastRoutes(app: App, deps: { broadcasts: BroadcastService }) {
  const { broadcasts } = deps;
  app.get('/api/broadcasts', {
    config: access(WRITE_ROLES, { scope: 'corp' }),
    schema: { tags: TAGS, summary: 'Broadcasts, newest first (including mass sends made in WeCom, read back)', querystring: BroadcastListQuery, response: { 200: BroadcastPage } },
  }, async (req) => broadcasts.list(req.principal!.corpId, req.query));
  app.post('/api/broadcasts', {
    config: access(WRITE_ROLES, { refs: AUDIENCE_REFS }),
    schema: { tags: TAGS, summary: 'Create a broadcast (a draft)', body: BroadcastBody, response: { 200: Broadcast } },
  }, async (req) => broadcasts.create(req.principal!, req.body));
  app.post('/api/broadcasts/preview', {
    config: { ...access(WRITE_ROLES, { refs: AUDIENCE_REFS }), audit: false },
    schema: {
      tags: TAGS, summary: 'Who would receive it and who would be skipped, and why (nothing is sent or written)',
      body: BroadcastPreviewBody, response: { 200: BroadcastPreview },
    },
  }, async (req) => broadcasts.preview(req.principal!.corpId, req.body));
  app.get('/api/broadcasts/:id', {
    config: access(WRITE_ROLES, { params: { id: 'broadcast' } }),
    schema: { tags: TAGS, summary: 'A broadcast with its results and each sender’s send', params: IdParams, response: { 200: BroadcastDetail } },
  }, async (req) => broadcasts.detail(req.principal!.corpId, req.params.id));
  app.patch('/api/broadcasts/:id', {
    config: access(WRITE_ROLES, { params: { id: 'broadcast' }, refs: AUDIENCE_REFS }),
    schema: { tags: TAGS, summary: 'Edit a draft', params: IdParams, body: BroadcastPatchBody, response: { 200: Broadcast } },
  }, async (req) => broadcasts.update(req.principal!.corpId, req.params.id, req.body));
  app.delete('/api/broadcasts/:id', {
    config: access(WRITE_ROLES, { params: { id: 'broadcast' } }),
    schema: { tags: TAGS, summary: 'Delete a draft', params: IdParams, response: { 200: Ok } },
  }, async (req) => { await broadcasts.remove(req.principal!.corpId, req.params.id); return { ok: true as const }; });
  app.post('/api/broadcasts/:id/send', {
    config: access(WRITE_ROLES, { params: { id: 'broadcast' } }),
    schema: {
      tags: TAGS, summary: 'Send now or at its schedule; an override of the contact budget needs the admin role and a reason',
      params: IdParams, body: BroadcastSendBody, response: { 200: Broadcast },
    },
  }, async (req) => broadcasts.send(req.principal!, req.params.id, req.body.override));
  app.post('/api/broadcasts/:id/cancel', {
    config: access(WRITE_ROLES, { params: { id: 'broadcast' } }),
    schema: { tags: TAGS, summary: 'Cancel: unconfirmed sends are cancelled in WeCom and their budget released', params: IdParams, response: { 200: Broadcast } },
  }, async (req) => broadcasts.cancel(req.principal!.corpId, req.params.id));
  app.post('/api/broadcasts/:id/remind', {
    config: access(WRITE_ROLES, { params: { id: 'broadcast' } }),
    schema: { tags: TAGS, summary: 'Remind unconfirmed senders now (WeCom allows 3 reminders per 24 h)', params: IdParams, response: { 200: z.object({ reminded: z.number().int() }) } },
  }, async (req) => ({ reminded: await broadcasts.remindNow(req.principal!.corpId, req.params.id) }));
  app.get('/api/broadcasts/:id/targets', {
    config: access(WRITE_ROLES, { params: { id: 'broadcast' } }),
    schema: { tags: TAGS, summary: 'Recipients with their status (planned, skipped and why, sent, not a friend, over WeCom’s cap)', params: IdParams, querystring: BroadcastTargetQuery, response: { 200: BroadcastTargetPage } },
  }, async (req) => broadcasts.targets(req.principal!.corpId, req.params.id, req.query));
}
