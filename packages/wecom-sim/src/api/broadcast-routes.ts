// Mass messages, moments (with their likes and comments), customer transfers, behaviour data, app messages and media.
import type { SimContext } from '../context';
import { addMsgTemplate, cancelGroupMsgSend, getGroupMsgListV2, getGroupMsgSendResult, getGroupMsgTask, remindGroupMsgSend } from '../broadcasts';
import { addMomentTask, cancelMomentTask, getMomentComments, getMomentCustomerList, getMomentList, getMomentTask, getMomentTaskResult } from '../moments';
import { E } from '../errors';
import { loadMedia, parseMultipart, storeMedia } from '../media';
import { sendAppMessage } from '../messages';
import { getUserBehaviorData } from '../stats';
import { getUnassignedList, transferCustomers, transferResult } from '../transfers';
import { RawReply, type ApiRouter } from './route';

const UPLOAD_LIMIT = 21 * 1024 * 1024;

export function registerBroadcastRoutes(r: ApiRouter, ctx: SimContext): void {
  r.post('externalcontact/add_msg_template', async ({ auth, body }) => addMsgTemplate(ctx, auth.corpId, body));
  r.post('externalcontact/get_groupmsg_list_v2', async ({ auth, body }) => getGroupMsgListV2(ctx, auth.corpId, body));
  r.post('externalcontact/get_groupmsg_task', async ({ auth, body }) => getGroupMsgTask(ctx, auth.corpId, body));
  r.post('externalcontact/get_groupmsg_send_result', async ({ auth, body }) => getGroupMsgSendResult(ctx, auth.corpId, body));
  r.post('externalcontact/remind_groupmsg_send', async ({ auth, body }) => {
    await remindGroupMsgSend(ctx, auth.corpId, body);
  });
  r.post('externalcontact/cancel_groupmsg_send', async ({ auth, body }) => {
    await cancelGroupMsgSend(ctx, auth.corpId, body);
  });

  r.post('externalcontact/add_moment_task', async ({ auth, body }) => addMomentTask(ctx, auth.corpId, body));
  r.get('externalcontact/get_moment_task_result', async ({ auth, query }) => getMomentTaskResult(ctx, auth.corpId, query.jobid));
  r.post('externalcontact/cancel_moment_task', async ({ auth, body }) => {
    await cancelMomentTask(ctx, auth.corpId, body);
  });
  r.post('externalcontact/get_moment_list', async ({ auth, body }) => getMomentList(ctx, auth.corpId, body));
  r.post('externalcontact/get_moment_task', async ({ auth, body }) => getMomentTask(ctx, auth.corpId, body));
  r.post('externalcontact/get_moment_customer_list', async ({ auth, body }) => getMomentCustomerList(ctx, auth.corpId, body, false));
  r.post('externalcontact/get_moment_send_result', async ({ auth, body }) => getMomentCustomerList(ctx, auth.corpId, body, true));
  r.post('externalcontact/get_moment_comments', async ({ auth, body }) => getMomentComments(ctx, auth.corpId, body));

  r.post('externalcontact/transfer_customer', async ({ auth, body }) => transferCustomers(ctx, auth.corpId, body, 'onjob'));
  r.post('externalcontact/transfer_result', async ({ auth, body }) => transferResult(ctx, auth.corpId, body, 'onjob'));
  r.post('externalcontact/resigned/transfer_customer', async ({ auth, body }) => transferCustomers(ctx, auth.corpId, body, 'resigned'));
  r.post('externalcontact/resigned/transfer_result', async ({ auth, body }) => transferResult(ctx, auth.corpId, body, 'resigned'));
  r.post('externalcontact/get_unassigned_list', async ({ auth, body }) => getUnassignedList(ctx, auth.corpId, body));

  r.post('externalcontact/get_user_behavior_data', async ({ auth, body }) => getUserBehaviorData(ctx, auth.corpId, body));
  r.post('message/send', async ({ auth, body }) => sendAppMessage(ctx, auth.corpId, auth.agentId, body));

  const fileOf = (body: unknown, contentType: string | undefined) => (Buffer.isBuffer(body) ? parseMultipart(body, contentType) : null);
  r.post(
    'media/upload',
    async ({ auth, raw, query, req }) => storeMedia(ctx, auth.corpId, query.type ?? '', fileOf(raw, req.headers['content-type'])),
    { bodyLimit: UPLOAD_LIMIT },
  );
  r.post(
    'media/upload_attachment',
    async ({ auth, raw, query, req }) => {
      if (query.attachment_type !== '1' && query.attachment_type !== '2') throw E.param('attachment_type', 'must be 1 (moments) or 2 (product album)');
      return storeMedia(ctx, auth.corpId, query.media_type ?? '', fileOf(raw, req.headers['content-type']), { attachment: true });
    },
    { bodyLimit: UPLOAD_LIMIT },
  );
  r.post(
    'media/uploadimg',
    async ({ auth, raw, base, req }) => {
      const out = await storeMedia(ctx, auth.corpId, 'image', fileOf(raw, req.headers['content-type']), { maxBytes: 2 * 1024 * 1024 });
      return { url: `${base}/media/${out.media_id}` };
    },
    { bodyLimit: UPLOAD_LIMIT },
  );
  r.get('media/get', async ({ auth, query }) => {
    if (!query.media_id) throw E.param('media_id', 'required');
    const m = await loadMedia(ctx, query.media_id, auth.corpId);
    if (!m) throw E.invalidMediaId(query.media_id);
    return new RawReply(m.contentType, m.bytes, { 'content-disposition': `attachment; filename="${encodeURIComponent(m.filename)}"` });
  });
}
