// Typed WeCom server-API endpoints (WECOM.md §1–§15). Each method checks WeCom's documented argument limits
// before sending, so a bad request fails with the field's name. Transport, tokens and retries: transport.ts.
import { randomBytes } from 'node:crypto';
import { getJsApiSignature } from '@wecom/crypto';
import { WecomTransport } from './transport';
import { check, type Check } from './validate';
import type * as T from './types';

const FOURTEEN_DAYS_S = 14 * 86_400;
const THIRTY_DAYS_S = 30 * 86_400;
const MAX_ORDER = 2 ** 32 - 1;

const POST = 'POST' as const;

function checkAttachments(c: Check, field: string, list: readonly T.MessageAttachment[] | undefined, max: number): void {
  c.maxItems(field, list, max);
  list?.forEach((a, i) => {
    const f = `${field}[${i}]`;
    c.oneOf(`${f}.msgtype`, a.msgtype, ['image', 'link', 'miniprogram', 'video', 'file'] as const);
    const payload = (a as unknown as Record<string, unknown>)[a.msgtype];
    if (!payload || typeof payload !== 'object') c.fail(`${f}.${a.msgtype}`, `is required when msgtype is ${a.msgtype}`);
    switch (a.msgtype) {
      case 'image':
        if (!a.image.media_id && !a.image.pic_url) c.fail(`${f}.image`, 'needs media_id or pic_url');
        break;
      case 'link':
        c.required(`${f}.link.url`, a.link.url)
          .maxBytes(`${f}.link.title`, a.link.title, 128)
          .maxBytes(`${f}.link.desc`, a.link.desc, 512);
        break;
      case 'miniprogram':
        c.required(`${f}.miniprogram.appid`, a.miniprogram.appid)
          .required(`${f}.miniprogram.page`, a.miniprogram.page)
          .required(`${f}.miniprogram.pic_media_id`, a.miniprogram.pic_media_id)
          .maxBytes(`${f}.miniprogram.title`, a.miniprogram.title, 64);
        break;
      case 'video':
        c.required(`${f}.video.media_id`, a.video.media_id);
        break;
      case 'file':
        c.required(`${f}.file.media_id`, a.file.media_id);
        break;
    }
  });
}

function checkNewTags(c: Check, tags: readonly T.NewTag[] | undefined): void {
  tags?.forEach((t, i) => {
    c.required(`tag[${i}].name`, t.name).maxChars(`tag[${i}].name`, t.name, 30).intRange(`tag[${i}].order`, t.order, 0, MAX_ORDER);
  });
}

function splitIds(s: string | undefined): string[] {
  return s ? s.split('|').filter(Boolean) : [];
}

export class WecomClient extends WecomTransport {
  // ---- §1 infrastructure ----

  getCallbackIp(): Promise<T.IpListResponse> {
    return this.call('getcallbackip');
  }

  getApiDomainIp(): Promise<T.IpListResponse> {
    return this.call('get_api_domain_ip');
  }

  // ---- organisation ----

  departmentList(id?: number): Promise<T.DepartmentListResponse> {
    return this.call('department/list', { query: { id } });
  }

  userList(departmentId: number, fetchChild = false): Promise<T.UserListResponse> {
    return this.call('user/list', { query: { department_id: departmentId, fetch_child: fetchChild ? 1 : 0 } });
  }

  userGet(userid: string): Promise<T.UserGetResponse> {
    check('userGet').required('userid', userid);
    return this.call('user/get', { query: { userid } });
  }

  userListId(req: T.UserListIdRequest = {}): Promise<T.UserListIdResponse> {
    check('userListId').intRange('limit', req.limit, 1, 10_000);
    return this.call('user/list_id', { method: POST, body: req });
  }

  iterateUserListId(limit = 10_000): AsyncGenerator<T.UserListIdResponse['dept_user'][number]> {
    check('iterateUserListId').intRange('limit', limit, 1, 10_000);
    return this.paginateItems('user/list_id', { limit }, { itemsField: 'dept_user' });
  }

  // ---- §4 contact ways ----

  addContactWay(req: T.AddContactWayRequest): Promise<T.AddContactWayResponse> {
    const c = check('addContactWay');
    c.oneOf('type', req.type, [1, 2] as const).oneOf('scene', req.scene, [1, 2] as const);
    if (req.type === 1) {
      c.itemsBetween('user', req.user, 1, 1);
      if (req.party?.length) c.fail('party', 'is only allowed when type is 2');
    } else if (!req.user?.length && !req.party?.length) {
      c.fail('user', 'or party must list at least one member or department when type is 2');
    }
    if (req.scene === 1) c.intRange('style', req.style, 1, req.type === 1 ? 3 : 2);
    if (req.is_temp && req.type !== 1) c.fail('is_temp', 'is only allowed when type is 1');
    this.checkContactWayFields(c, req);
    return this.call('externalcontact/add_contact_way', { method: POST, body: req });
  }

  getContactWay(configId: string): Promise<T.GetContactWayResponse> {
    check('getContactWay').required('config_id', configId);
    return this.call('externalcontact/get_contact_way', { method: POST, body: { config_id: configId } });
  }

  listContactWay(req: T.ListContactWayRequest = {}): Promise<T.ListContactWayResponse> {
    check('listContactWay').intRange('limit', req.limit, 1, 1000);
    return this.call('externalcontact/list_contact_way', { method: POST, body: req });
  }

  iterateContactWays(req: Omit<T.ListContactWayRequest, 'cursor'> = {}): AsyncGenerator<{ config_id: string }> {
    check('iterateContactWays').intRange('limit', req.limit, 1, 1000);
    return this.paginateItems('externalcontact/list_contact_way', { ...req, limit: req.limit ?? 1000 }, { itemsField: 'contact_way' });
  }

  /** user, party and remark overwrite the stored values. */
  updateContactWay(req: T.UpdateContactWayRequest): Promise<T.WecomResponse> {
    const c = check('updateContactWay').required('config_id', req.config_id);
    this.checkContactWayFields(c, req);
    return this.call('externalcontact/update_contact_way', { method: POST, body: req });
  }

  delContactWay(configId: string): Promise<T.WecomResponse> {
    check('delContactWay').required('config_id', configId);
    return this.call('externalcontact/del_contact_way', { method: POST, body: { config_id: configId } });
  }

  closeTempChat(req: T.CloseTempChatRequest): Promise<T.WecomResponse> {
    check('closeTempChat').required('userid', req.userid).required('external_userid', req.external_userid);
    return this.call('externalcontact/close_temp_chat', { method: POST, body: req });
  }

  private checkContactWayFields(c: Check, req: T.ContactWayFields): void {
    c.maxChars('state', req.state, 30)
      .maxChars('remark', req.remark, 30)
      .intRange('expires_in', req.expires_in, 1, FOURTEEN_DAYS_S)
      .intRange('chat_expires_in', req.chat_expires_in, 1, FOURTEEN_DAYS_S);
  }

  // ---- §5 welcome messages ----

  /** Must be called within 20 s of the add event, once; a second app using the same code gets 41051. */
  sendWelcomeMsg(req: T.SendWelcomeMsgRequest): Promise<T.WecomResponse> {
    const c = check('sendWelcomeMsg').required('welcome_code', req.welcome_code);
    if (!req.text?.content && !req.attachments?.length) c.fail('text', 'or attachments is required');
    c.maxBytes('text.content', req.text?.content, 4000);
    checkAttachments(c, 'attachments', req.attachments, 9);
    return this.call('externalcontact/send_welcome_msg', { method: POST, body: req });
  }

  groupWelcomeTemplateAdd(req: T.GroupWelcomeTemplateAddRequest): Promise<T.GroupWelcomeTemplateAddResponse> {
    const c = check('groupWelcomeTemplateAdd');
    this.checkTemplateContent(c, req, 3000);
    return this.call('externalcontact/group_welcome_template/add', { method: POST, body: req });
  }

  groupWelcomeTemplateEdit(req: T.GroupWelcomeTemplateEditRequest): Promise<T.WecomResponse> {
    const c = check('groupWelcomeTemplateEdit').required('template_id', req.template_id);
    this.checkTemplateContent(c, req, 4000);
    return this.call('externalcontact/group_welcome_template/edit', { method: POST, body: req });
  }

  groupWelcomeTemplateGet(templateId: string): Promise<T.GroupWelcomeTemplateGetResponse> {
    check('groupWelcomeTemplateGet').required('template_id', templateId);
    return this.call('externalcontact/group_welcome_template/get', { method: POST, body: { template_id: templateId } });
  }

  groupWelcomeTemplateDel(templateId: string, agentid?: number): Promise<T.WecomResponse> {
    check('groupWelcomeTemplateDel').required('template_id', templateId);
    return this.call('externalcontact/group_welcome_template/del', { method: POST, body: { template_id: templateId, agentid } });
  }

  private checkTemplateContent(c: Check, req: T.GroupWelcomeTemplateContent, maxTextBytes: number): void {
    const media = (['image', 'link', 'miniprogram', 'file', 'video'] as const).filter((k) => req[k] !== undefined);
    if (!req.text?.content && media.length === 0) c.fail('text', 'or one of image, link, miniprogram, file, video is required');
    if (media.length > 1) c.fail(media.join(', '), 'cannot be combined: give at most one of image, link, miniprogram, file, video');
    c.maxBytes('text.content', req.text?.content, maxTextBytes);
    if (req.link) c.required('link.url', req.link.url).maxBytes('link.title', req.link.title, 128).maxBytes('link.desc', req.link.desc, 512);
  }

  // ---- §6 group join ways ----

  addJoinWay(req: T.AddJoinWayRequest): Promise<T.AddJoinWayResponse> {
    this.checkJoinWay(check('addJoinWay'), req);
    return this.call('externalcontact/groupchat/add_join_way', { method: POST, body: req });
  }

  getJoinWay(configId: string): Promise<T.GetJoinWayResponse> {
    check('getJoinWay').required('config_id', configId);
    return this.call('externalcontact/groupchat/get_join_way', { method: POST, body: { config_id: configId } });
  }

  /** Replaces the whole configuration: send every field, not just the changed ones. */
  updateJoinWay(req: T.UpdateJoinWayRequest): Promise<T.WecomResponse> {
    this.checkJoinWay(check('updateJoinWay').required('config_id', req.config_id), req);
    return this.call('externalcontact/groupchat/update_join_way', { method: POST, body: req });
  }

  delJoinWay(configId: string): Promise<T.WecomResponse> {
    check('delJoinWay').required('config_id', configId);
    return this.call('externalcontact/groupchat/del_join_way', { method: POST, body: { config_id: configId } });
  }

  private checkJoinWay(c: Check, req: T.JoinWayFields): void {
    c.oneOf('scene', req.scene, [1, 2] as const)
      .itemsBetween('chat_id_list', req.chat_id_list, 1, 5)
      .maxChars('state', req.state, 30)
      .maxChars('remark', req.remark, 30)
      .maxChars('room_base_name', req.room_base_name, 40);
  }

  // ---- §7 customer groups ----

  groupchatList(req: T.GroupchatListRequest): Promise<T.GroupchatListResponse> {
    this.checkGroupchatList(check('groupchatList'), req);
    return this.call('externalcontact/groupchat/list', { method: POST, body: req });
  }

  iterateGroupchatList(req: Omit<T.GroupchatListRequest, 'cursor' | 'limit'> & { limit?: number } = {}): AsyncGenerator<T.GroupchatListItem> {
    const body = { ...req, limit: req.limit ?? 1000 };
    this.checkGroupchatList(check('iterateGroupchatList'), body);
    return this.paginateItems('externalcontact/groupchat/list', body, { itemsField: 'group_chat_list' });
  }

  private checkGroupchatList(c: Check, req: T.GroupchatListRequest): void {
    c.required('limit', req.limit).intRange('limit', req.limit, 1, 1000).maxItems('owner_filter.userid_list', req.owner_filter?.userid_list, 100);
  }

  /** `needName` (WeCom's need_name) adds members' names to member_list. */
  groupchatGet(chatId: string, needName: boolean | 0 | 1 = 1): Promise<T.GroupchatGetResponse> {
    check('groupchatGet').required('chat_id', chatId);
    return this.call('externalcontact/groupchat/get', { method: POST, body: { chat_id: chatId, need_name: needName ? 1 : 0 } });
  }

  opengidToChatid(opengid: string): Promise<T.OpengidToChatidResponse> {
    check('opengidToChatid').required('opengid', opengid);
    return this.call('externalcontact/opengid_to_chatid', { method: POST, body: { opengid } });
  }

  // ---- §8 customers ----

  getFollowUserList(): Promise<T.FollowUserListResponse> {
    return this.call('externalcontact/get_follow_user_list');
  }

  listExternalContacts(userid: string): Promise<T.ExternalContactListResponse> {
    check('listExternalContacts').required('userid', userid);
    return this.call('externalcontact/list', { query: { userid } });
  }

  /** One page of followers (500 per page); see getExternalContactAllFollowers for customers with more. */
  getExternalContact(externalUserid: string, cursor?: string, opts: { noWait?: boolean } = {}): Promise<T.GetExternalContactResponse> {
    check('getExternalContact').required('external_userid', externalUserid);
    return this.call('externalcontact/get', { query: { external_userid: externalUserid, cursor: cursor || undefined }, noWait: opts.noWait });
  }

  async getExternalContactAllFollowers(externalUserid: string): Promise<T.GetExternalContactResponse> {
    const first = await this.getExternalContact(externalUserid);
    const follow_user = [...(first.follow_user ?? [])];
    let cursor = first.next_cursor;
    while (cursor) {
      const page = await this.getExternalContact(externalUserid, cursor);
      follow_user.push(...(page.follow_user ?? []));
      if (page.next_cursor === cursor) break;
      cursor = page.next_cursor;
    }
    return { ...first, follow_user, next_cursor: undefined };
  }

  batchGetByUser(req: T.BatchGetByUserRequest): Promise<T.BatchGetByUserResponse> {
    this.checkBatchGetByUser(check('batchGetByUser'), req);
    return this.call('externalcontact/batch/get_by_user', { method: POST, body: req });
  }

  iterateBatchGetByUser(useridList: string[], limit = 100): AsyncGenerator<T.BatchExternalContact> {
    const body = { userid_list: useridList, limit };
    this.checkBatchGetByUser(check('iterateBatchGetByUser'), body);
    return this.paginateItems('externalcontact/batch/get_by_user', body, { itemsField: 'external_contact_list' });
  }

  private checkBatchGetByUser(c: Check, req: T.BatchGetByUserRequest): void {
    c.itemsBetween('userid_list', req.userid_list, 1, 100).intRange('limit', req.limit, 1, 100);
  }

  /** WeCom fires no callback for API edits: update your own copy after this. */
  remark(req: T.RemarkRequest): Promise<T.WecomResponse> {
    check('remark')
      .required('userid', req.userid)
      .required('external_userid', req.external_userid)
      .maxChars('remark', req.remark, 20)
      .maxChars('description', req.description, 150)
      .maxChars('remark_company', req.remark_company, 20);
    return this.call('externalcontact/remark', { method: POST, body: req });
  }

  contactList(req: T.ContactListRequest = {}): Promise<T.ContactListResponse> {
    check('contactList').intRange('limit', req.limit, 1, 1000);
    return this.call('externalcontact/contact_list', { method: POST, body: req });
  }

  iterateContactList(limit = 1000): AsyncGenerator<T.ContactListItem> {
    check('iterateContactList').intRange('limit', limit, 1, 1000);
    return this.paginateItems('externalcontact/contact_list', { limit }, { itemsField: 'info_list' });
  }

  unionidToExternalUserid(req: T.UnionidToExternalUseridRequest): Promise<T.UnionidToExternalUseridResponse> {
    check('unionidToExternalUserid').required('unionid', req.unionid).required('openid', req.openid);
    return this.call('externalcontact/unionid_to_external_userid', { method: POST, body: req });
  }

  convertToOpenid(externalUserid: string): Promise<T.ConvertToOpenidResponse> {
    check('convertToOpenid').required('external_userid', externalUserid);
    return this.call('externalcontact/convert_to_openid', { method: POST, body: { external_userid: externalUserid } });
  }

  // ---- §9 tags ----

  getCorpTagList(req: T.GetCorpTagListRequest = {}): Promise<T.GetCorpTagListResponse> {
    return this.call('externalcontact/get_corp_tag_list', { method: POST, body: req });
  }

  addCorpTag(req: T.AddCorpTagRequest): Promise<T.AddCorpTagResponse> {
    const c = check('addCorpTag');
    if (!req.group_id && !req.group_name) c.fail('group_id', 'or group_name is required');
    c.maxChars('group_name', req.group_name, 30).intRange('order', req.order, 0, MAX_ORDER).nonEmpty('tag', req.tag);
    checkNewTags(c, req.tag);
    return this.call('externalcontact/add_corp_tag', { method: POST, body: req });
  }

  editCorpTag(req: T.EditCorpTagRequest): Promise<T.WecomResponse> {
    check('editCorpTag').required('id', req.id).maxChars('name', req.name, 30).intRange('order', req.order, 0, MAX_ORDER);
    return this.call('externalcontact/edit_corp_tag', { method: POST, body: req });
  }

  delCorpTag(req: T.DelCorpTagRequest): Promise<T.WecomResponse> {
    if (!req.tag_id?.length && !req.group_id?.length) check('delCorpTag').fail('tag_id', 'or group_id must list at least one id');
    return this.call('externalcontact/del_corp_tag', { method: POST, body: req });
  }

  /** Applies to this member's relationship with the customer; fires no callback. */
  markTag(req: T.MarkTagRequest): Promise<T.WecomResponse> {
    const c = check('markTag').required('userid', req.userid).required('external_userid', req.external_userid);
    if (!req.add_tag?.length && !req.remove_tag?.length) c.fail('add_tag', 'or remove_tag must list at least one tag id');
    return this.call('externalcontact/mark_tag', { method: POST, body: req });
  }

  getStrategyTagList(req: T.GetStrategyTagListRequest = {}): Promise<T.GetStrategyTagListResponse> {
    return this.call('externalcontact/get_strategy_tag_list', { method: POST, body: req });
  }

  addStrategyTag(req: T.AddStrategyTagRequest): Promise<T.AddStrategyTagResponse> {
    const c = check('addStrategyTag').required('strategy_id', req.strategy_id);
    if (!req.group_id && !req.group_name) c.fail('group_id', 'or group_name is required');
    c.maxChars('group_name', req.group_name, 30).intRange('order', req.order, 0, MAX_ORDER).nonEmpty('tag', req.tag);
    checkNewTags(c, req.tag);
    return this.call('externalcontact/add_strategy_tag', { method: POST, body: req });
  }

  editStrategyTag(req: T.EditStrategyTagRequest): Promise<T.WecomResponse> {
    check('editStrategyTag').required('id', req.id).maxChars('name', req.name, 30).intRange('order', req.order, 0, MAX_ORDER);
    return this.call('externalcontact/edit_strategy_tag', { method: POST, body: req });
  }

  delStrategyTag(req: T.DelStrategyTagRequest): Promise<T.WecomResponse> {
    if (!req.tag_id?.length && !req.group_id?.length) check('delStrategyTag').fail('tag_id', 'or group_id must list at least one id');
    return this.call('externalcontact/del_strategy_tag', { method: POST, body: req });
  }

  customerStrategyList(req: T.CustomerStrategyListRequest = {}): Promise<T.CustomerStrategyListResponse> {
    check('customerStrategyList').intRange('limit', req.limit, 1, 1000);
    return this.call('externalcontact/customer_strategy/list', { method: POST, body: req });
  }

  // ---- §10 mass messaging ----

  /** Creates a task the member must confirm in the client; nothing is sent by the API itself. */
  addMsgTemplate(req: T.AddMsgTemplateRequest): Promise<T.AddMsgTemplateResponse> {
    const c = check('addMsgTemplate').oneOf('chat_type', req.chat_type, ['single', 'group'] as const);
    const group = req.chat_type === 'group';
    if (group) {
      c.required('sender', req.sender);
      if (req.external_userid?.length) c.fail('external_userid', 'is only allowed when chat_type is single');
    } else {
      if (!req.external_userid?.length && !req.sender) c.fail('external_userid', 'or sender is required when chat_type is single');
      if (req.chat_id_list?.length) c.fail('chat_id_list', 'is only allowed when chat_type is group');
    }
    c.maxItems('external_userid', req.external_userid, 10_000).maxItems('chat_id_list', req.chat_id_list, 2000);
    req.tag_filter?.group_list?.forEach((g, i) => c.maxItems(`tag_filter.group_list[${i}].tag_list`, g.tag_list, 100));
    if (!req.text?.content && !req.attachments?.length) c.fail('text', 'or attachments is required');
    c.maxBytes('text.content', req.text?.content, 4000);
    checkAttachments(c, 'attachments', req.attachments, 9);
    return this.call('externalcontact/add_msg_template', { method: POST, body: req });
  }

  getGroupmsgListV2(req: T.GetGroupmsgListV2Request): Promise<T.GetGroupmsgListV2Response> {
    this.checkGroupmsgList(check('getGroupmsgListV2'), req);
    return this.call('externalcontact/get_groupmsg_list_v2', { method: POST, body: req });
  }

  iterateGroupmsgListV2(req: Omit<T.GetGroupmsgListV2Request, 'cursor'>): AsyncGenerator<T.GroupMsg> {
    const body = { ...req, limit: req.limit ?? 100 };
    this.checkGroupmsgList(check('iterateGroupmsgListV2'), body);
    return this.paginateItems('externalcontact/get_groupmsg_list_v2', body, { itemsField: 'group_msg_list' });
  }

  private checkGroupmsgList(c: Check, req: T.GetGroupmsgListV2Request): void {
    c.required('chat_type', req.chat_type)
      .oneOf('chat_type', req.chat_type, ['single', 'group'] as const)
      .required('start_time', req.start_time)
      .required('end_time', req.end_time)
      .intRange('limit', req.limit, 1, 100);
    if (req.end_time < req.start_time) c.fail('end_time', 'must not be before start_time');
  }

  getGroupmsgTask(req: T.GetGroupmsgTaskRequest): Promise<T.GetGroupmsgTaskResponse> {
    check('getGroupmsgTask').required('msgid', req.msgid).intRange('limit', req.limit, 1, 1000);
    return this.call('externalcontact/get_groupmsg_task', { method: POST, body: req });
  }

  iterateGroupmsgTask(msgid: string, limit = 1000): AsyncGenerator<T.GroupmsgTask> {
    check('iterateGroupmsgTask').required('msgid', msgid).intRange('limit', limit, 1, 1000);
    return this.paginateItems('externalcontact/get_groupmsg_task', { msgid, limit }, { itemsField: 'task_list' });
  }

  getGroupmsgSendResult(req: T.GetGroupmsgSendResultRequest): Promise<T.GetGroupmsgSendResultResponse> {
    check('getGroupmsgSendResult').required('msgid', req.msgid).required('userid', req.userid).intRange('limit', req.limit, 1, 1000);
    return this.call('externalcontact/get_groupmsg_send_result', { method: POST, body: req });
  }

  iterateGroupmsgSendResult(msgid: string, userid: string, limit = 1000): AsyncGenerator<T.GroupmsgSendResult> {
    check('iterateGroupmsgSendResult').required('msgid', msgid).required('userid', userid).intRange('limit', limit, 1, 1000);
    return this.paginateItems('externalcontact/get_groupmsg_send_result', { msgid, userid, limit }, { itemsField: 'send_list' });
  }

  /** At most 3 reminders per 24 h per mass send. */
  remindGroupmsgSend(msgid: string): Promise<T.WecomResponse> {
    check('remindGroupmsgSend').required('msgid', msgid);
    return this.call('externalcontact/remind_groupmsg_send', { method: POST, body: { msgid } });
  }

  cancelGroupmsgSend(msgid: string): Promise<T.WecomResponse> {
    check('cancelGroupmsgSend').required('msgid', msgid);
    return this.call('externalcontact/cancel_groupmsg_send', { method: POST, body: { msgid } });
  }

  // ---- §11 moments ----

  /** Media must come from uploadAttachment (media/upload_attachment), not media/upload. Poll getMomentTaskResult. */
  addMomentTask(req: T.AddMomentTaskRequest): Promise<T.AddMomentTaskResponse> {
    const c = check('addMomentTask');
    const atts = req.attachments ?? [];
    if (!req.text?.content && atts.length === 0) c.fail('text', 'or attachments is required');
    c.maxChars('text.content', req.text?.content, 2000);
    const kinds = new Set(atts.map((a) => a.msgtype));
    if (kinds.size > 1) c.fail('attachments', `cannot mix types (got ${[...kinds].join(', ')}): use up to 9 images, or 1 video, or 1 link`);
    if (kinds.has('image')) c.maxItems('attachments', atts, 9);
    if (kinds.has('video') || kinds.has('link')) c.maxItems('attachments', atts, 1);
    atts.forEach((a, i) => {
      c.oneOf(`attachments[${i}].msgtype`, a.msgtype, ['image', 'video', 'link'] as const);
      const media = a.msgtype === 'image' ? a.image : a.msgtype === 'video' ? a.video : a.link;
      c.required(`attachments[${i}].${a.msgtype}.media_id`, media?.media_id);
      if (a.msgtype === 'link') c.required(`attachments[${i}].link.url`, a.link.url).maxBytes(`attachments[${i}].link.title`, a.link.title, 64);
    });
    c.maxItems('visible_range.sender_list.user_list', req.visible_range?.sender_list?.user_list, 100_000);
    return this.call('externalcontact/add_moment_task', { method: POST, body: req });
  }

  getMomentTaskResult(jobid: string): Promise<T.GetMomentTaskResultResponse> {
    check('getMomentTaskResult').required('jobid', jobid);
    return this.call('externalcontact/get_moment_task_result', { query: { jobid } });
  }

  cancelMomentTask(momentId: string): Promise<T.WecomResponse> {
    check('cancelMomentTask').required('moment_id', momentId);
    return this.call('externalcontact/cancel_moment_task', { method: POST, body: { moment_id: momentId } });
  }

  getMomentList(req: T.GetMomentListRequest): Promise<T.GetMomentListResponse> {
    this.checkMomentList(check('getMomentList'), req);
    return this.call('externalcontact/get_moment_list', { method: POST, body: req });
  }

  iterateMomentList(req: Omit<T.GetMomentListRequest, 'cursor'>): AsyncGenerator<T.Moment> {
    const body = { ...req, limit: req.limit ?? 20 };
    this.checkMomentList(check('iterateMomentList'), body);
    return this.paginateItems('externalcontact/get_moment_list', body, { itemsField: 'moment_list' });
  }

  private checkMomentList(c: Check, req: T.GetMomentListRequest): void {
    c.required('start_time', req.start_time).required('end_time', req.end_time).intRange('limit', req.limit, 1, 20);
    if (req.end_time < req.start_time) c.fail('end_time', 'must not be before start_time');
  }

  getMomentTask(req: T.GetMomentTaskRequest): Promise<T.GetMomentTaskResponse> {
    check('getMomentTask').required('moment_id', req.moment_id).intRange('limit', req.limit, 1, 1000);
    return this.call('externalcontact/get_moment_task', { method: POST, body: req });
  }

  iterateMomentTask(momentId: string, limit = 1000): AsyncGenerator<T.GetMomentTaskResponse['task_list'][number]> {
    check('iterateMomentTask').required('moment_id', momentId).intRange('limit', limit, 1, 1000);
    return this.paginateItems('externalcontact/get_moment_task', { moment_id: momentId, limit }, { itemsField: 'task_list' });
  }

  getMomentCustomerList(req: T.GetMomentCustomerListRequest): Promise<T.GetMomentCustomerListResponse> {
    check('getMomentCustomerList').required('moment_id', req.moment_id).required('userid', req.userid).intRange('limit', req.limit, 1, 1000);
    return this.call('externalcontact/get_moment_customer_list', { method: POST, body: req });
  }

  iterateMomentCustomerList(momentId: string, userid: string, limit = 1000): AsyncGenerator<T.GetMomentCustomerListResponse['customer_list'][number]> {
    check('iterateMomentCustomerList').required('moment_id', momentId).required('userid', userid).intRange('limit', limit, 1, 1000);
    return this.paginateItems('externalcontact/get_moment_customer_list', { moment_id: momentId, userid, limit }, { itemsField: 'customer_list' });
  }

  getMomentSendResult(req: T.GetMomentSendResultRequest): Promise<T.GetMomentSendResultResponse> {
    check('getMomentSendResult').required('moment_id', req.moment_id).required('userid', req.userid).intRange('limit', req.limit, 1, 5000);
    return this.call('externalcontact/get_moment_send_result', { method: POST, body: req });
  }

  iterateMomentSendResult(momentId: string, userid: string, limit = 5000): AsyncGenerator<{ external_userid: string }> {
    check('iterateMomentSendResult').required('moment_id', momentId).required('userid', userid).intRange('limit', limit, 1, 5000);
    return this.paginateItems('externalcontact/get_moment_send_result', { moment_id: momentId, userid, limit }, { itemsField: 'customer_list' });
  }

  getMomentComments(momentId: string, userid: string): Promise<T.GetMomentCommentsResponse> {
    check('getMomentComments').required('moment_id', momentId).required('userid', userid);
    return this.call('externalcontact/get_moment_comments', { method: POST, body: { moment_id: momentId, userid } });
  }

  // ---- media ----

  /** Temporary media (3 days) for welcome messages, mass messages and app messages. */
  mediaUpload(type: T.MediaType, file: T.UploadFile): Promise<T.MediaUploadResponse> {
    check('mediaUpload').oneOf('type', type, ['image', 'voice', 'video', 'file'] as const);
    return this.upload('media/upload', { type }, file);
  }

  /** Permanent image URL, usable as `pic_url` in image attachments. */
  mediaUploadImg(file: T.UploadFile): Promise<T.MediaUploadImgResponse> {
    return this.upload('media/uploadimg', {}, file);
  }

  /** Media for moments (attachment_type 1) and product albums (2). */
  uploadAttachment(mediaType: 'image' | 'video' | 'file', file: T.UploadFile, attachmentType: 1 | 2 = 1): Promise<T.MediaUploadResponse> {
    check('uploadAttachment')
      .oneOf('media_type', mediaType, ['image', 'video', 'file'] as const)
      .oneOf('attachment_type', attachmentType, [1, 2] as const);
    return this.upload('media/upload_attachment', { media_type: mediaType, attachment_type: attachmentType }, file);
  }

  // ---- §12 transfer ----

  /** errcode 0 per customer only means the transfer started; takeover happens after 24 h. */
  transferCustomer(req: T.TransferCustomerRequest): Promise<T.TransferCustomerResponse> {
    this.checkTransfer(check('transferCustomer'), req).maxChars('transfer_success_msg', req.transfer_success_msg, 200);
    return this.call('externalcontact/transfer_customer', { method: POST, body: req });
  }

  transferResult(req: T.TransferResultRequest): Promise<T.TransferResultResponse> {
    check('transferResult').required('handover_userid', req.handover_userid).required('takeover_userid', req.takeover_userid);
    return this.call('externalcontact/transfer_result', { method: POST, body: req });
  }

  iterateTransferResult(handoverUserid: string, takeoverUserid: string): AsyncGenerator<T.TransferResultItem> {
    check('iterateTransferResult').required('handover_userid', handoverUserid).required('takeover_userid', takeoverUserid);
    return this.paginateItems('externalcontact/transfer_result', { handover_userid: handoverUserid, takeover_userid: takeoverUserid }, { itemsField: 'customer' });
  }

  getUnassignedList(req: T.GetUnassignedListRequest = {}): Promise<T.GetUnassignedListResponse> {
    check('getUnassignedList').intRange('page_size', req.page_size, 1, 1000);
    return this.call('externalcontact/get_unassigned_list', { method: POST, body: req });
  }

  iterateUnassignedList(pageSize = 1000): AsyncGenerator<T.UnassignedCustomer> {
    check('iterateUnassignedList').intRange('page_size', pageSize, 1, 1000);
    return this.paginateItems('externalcontact/get_unassigned_list', { page_size: pageSize }, { itemsField: 'info', doneField: 'is_last' });
  }

  resignedTransferCustomer(req: T.ResignedTransferCustomerRequest): Promise<T.TransferCustomerResponse> {
    this.checkTransfer(check('resignedTransferCustomer'), req);
    return this.call('externalcontact/resigned/transfer_customer', { method: POST, body: req });
  }

  resignedTransferResult(req: T.TransferResultRequest): Promise<T.TransferResultResponse> {
    check('resignedTransferResult').required('handover_userid', req.handover_userid).required('takeover_userid', req.takeover_userid);
    return this.call('externalcontact/resigned/transfer_result', { method: POST, body: req });
  }

  iterateResignedTransferResult(handoverUserid: string, takeoverUserid: string): AsyncGenerator<T.TransferResultItem> {
    check('iterateResignedTransferResult').required('handover_userid', handoverUserid).required('takeover_userid', takeoverUserid);
    return this.paginateItems(
      'externalcontact/resigned/transfer_result',
      { handover_userid: handoverUserid, takeover_userid: takeoverUserid },
      { itemsField: 'customer' },
    );
  }

  /** Groups whose owner has resigned. */
  groupchatTransfer(req: T.GroupchatTransferRequest): Promise<T.GroupchatTransferResponse> {
    check('groupchatTransfer').itemsBetween('chat_id_list', req.chat_id_list, 1, 100).required('new_owner', req.new_owner);
    return this.call('externalcontact/groupchat/transfer', { method: POST, body: req });
  }

  /** Groups whose owner is still employed; each group can move at most twice in 90 days. */
  groupchatOnjobTransfer(req: T.GroupchatTransferRequest): Promise<T.GroupchatTransferResponse> {
    check('groupchatOnjobTransfer').itemsBetween('chat_id_list', req.chat_id_list, 1, 100).required('new_owner', req.new_owner);
    return this.call('externalcontact/groupchat/onjob_transfer', { method: POST, body: req });
  }

  private checkTransfer(c: Check, req: T.ResignedTransferCustomerRequest): Check {
    c.required('handover_userid', req.handover_userid)
      .required('takeover_userid', req.takeover_userid)
      .itemsBetween('external_userid', req.external_userid, 1, 100);
    if (req.handover_userid === req.takeover_userid) c.fail('takeover_userid', 'must differ from handover_userid');
    return c;
  }

  // ---- §13 statistics ----

  /** Several users give one aggregated series; call once per user for a breakdown. */
  getUserBehaviorData(req: T.GetUserBehaviorDataRequest): Promise<T.GetUserBehaviorDataResponse> {
    const c = check('getUserBehaviorData').maxItems('userid', req.userid, 100).maxItems('partyid', req.partyid, 100);
    if (!req.userid?.length && !req.partyid?.length) c.fail('userid', 'or partyid must list at least one id');
    c.required('start_time', req.start_time).required('end_time', req.end_time);
    if (req.end_time < req.start_time) c.fail('end_time', 'must not be before start_time');
    if (req.end_time - req.start_time > THIRTY_DAYS_S) c.fail('end_time', 'must be at most 30 days after start_time');
    return this.call('externalcontact/get_user_behavior_data', { method: POST, body: req });
  }

  groupchatStatistic(req: T.GroupchatStatisticRequest): Promise<T.GroupchatStatisticResponse> {
    check('groupchatStatistic')
      .required('day_begin_time', req.day_begin_time)
      .maxItems('owner_filter.userid_list', req.owner_filter?.userid_list, 100)
      .intRange('limit', req.limit, 1, 1000);
    return this.call('externalcontact/groupchat/statistic', { method: POST, body: req });
  }

  groupchatStatisticGroupByDay(req: T.GroupchatStatisticGroupByDayRequest): Promise<T.GroupchatStatisticGroupByDayResponse> {
    check('groupchatStatisticGroupByDay')
      .required('day_begin_time', req.day_begin_time)
      .maxItems('owner_filter.userid_list', req.owner_filter?.userid_list, 100);
    return this.call('externalcontact/groupchat/statistic_group_by_day', { method: POST, body: req });
  }

  // ---- §16 chat archive (needs a client built with the archive's own secret) ----

  /** Whether customers agreed to archiving of their chats with a member (WeCom spells the field `exteranalopenid`). */
  msgauditCheckSingleAgree(info: T.MsgauditAgreeQuery[]): Promise<T.MsgauditCheckSingleAgreeResponse> {
    check('msgauditCheckSingleAgree').itemsBetween('info', info, 1, 100);
    info.forEach((x, i) => check('msgauditCheckSingleAgree').required(`info[${i}].userid`, x.userid).required(`info[${i}].exteranalopenid`, x.exteranalopenid));
    return this.call('msgaudit/check_single_agree', { method: POST, body: { info } });
  }

  // ---- §14 app messages and JS-SDK ----

  /**
   * App message to staff; `agentid` defaults to this client's agent. Over-limit messages are silently dropped by WeCom.
   * `noWait`: a busy WeCom fails at once instead of backing off (callers that retry at their next pass).
   */
  messageSend(req: T.MessageSendRequest, opts: { noWait?: boolean } = {}): Promise<T.MessageSendResponse> {
    const c = check('messageSend');
    const users = req.touser === '@all' ? [] : splitIds(req.touser);
    if (!req.touser && !req.toparty && !req.totag) c.fail('touser', 'or toparty or totag is required');
    c.maxItems('touser', users, 1000)
      .maxItems('toparty', splitIds(req.toparty), 100)
      .maxItems('totag', splitIds(req.totag), 100)
      .intRange('duplicate_check_interval', req.duplicate_check_interval, 1, 14_400);
    switch (req.msgtype) {
      case 'text':
        c.required('text.content', req.text?.content).maxBytes('text.content', req.text.content, 2048);
        break;
      case 'markdown':
        c.required('markdown.content', req.markdown?.content).maxBytes('markdown.content', req.markdown.content, 2048);
        break;
      case 'textcard':
        c.required('textcard.title', req.textcard?.title)
          .required('textcard.description', req.textcard.description)
          .required('textcard.url', req.textcard.url)
          .maxBytes('textcard.title', req.textcard.title, 128)
          .maxBytes('textcard.description', req.textcard.description, 512)
          .maxBytes('textcard.url', req.textcard.url, 2048)
          .maxChars('textcard.btntxt', req.textcard.btntxt, 4);
        if (!/^https?:\/\//i.test(req.textcard.url)) c.fail('textcard.url', 'must start with http:// or https://');
        break;
      case 'news':
        c.itemsBetween('news.articles', req.news?.articles, 1, 8);
        break;
    }
    return this.call('message/send', { method: POST, body: { ...req, agentid: req.agentid ?? this.agentId }, noWait: opts.noWait });
  }

  /** `GET get_jsapi_ticket`, uncached. Prefer jsapiTicket(). */
  getJsapiTicket(): Promise<T.TicketResponse> {
    return this.call('get_jsapi_ticket');
  }

  /** `GET ticket/get?type=agent_config`, uncached. Prefer agentTicket(). */
  getAgentConfigTicket(): Promise<T.TicketResponse> {
    return this.call('ticket/get', { query: { type: 'agent_config' } });
  }

  /** The corp ticket for wx.config, shared through the TokenStore (kind `jsapi_ticket`). */
  jsapiTicket(): Promise<string> {
    return this.cachedToken('jsapi_ticket', async () => {
      const r = await this.getJsapiTicket();
      return { value: r.ticket, expiresIn: r.expires_in ?? 7200 };
    });
  }

  /** The app ticket for wx.agentConfig / ww.register, shared through the TokenStore (kind `agent_ticket`). */
  agentTicket(): Promise<string> {
    return this.cachedToken('agent_ticket', async () => {
      const r = await this.getAgentConfigTicket();
      return { value: r.ticket, expiresIn: r.expires_in ?? 7200 };
    });
  }

  /**
   * `GET auth/getuserinfo?code=`: who opened an app page, from the code WeCom's web OAuth
   * (open.weixin.qq.com/connect/oauth2/authorize with the corpid as appid) put on the redirect. Members
   * come back with `userid`; people outside the corp with `openid` (and `external_userid` for customers).
   * A code is single-use and valid 5 minutes (errcode 40029 otherwise).
   */
  getUserInfo(code: string): Promise<T.UserInfoByCodeResponse> {
    check('getUserInfo').required('code', code);
    return this.call('auth/getuserinfo', { query: { code } });
  }

  /** Signature for wx.config (corp ticket). */
  async jsapiSignature(url: string): Promise<T.JsSdkSignature> {
    return signPage(url, await this.jsapiTicket());
  }

  /** Signature for wx.agentConfig / ww.register's getConfigSignature (app ticket); mixing the tickets gives "invalid signature". */
  async agentConfigSignature(url: string): Promise<T.JsSdkSignature> {
    return signPage(url, await this.agentTicket());
  }

  // ---- §18 staff-side sensitive words (intercept rules) ----

  private checkInterceptRule(c: Check, req: Partial<T.InterceptRuleFields>): void {
    c.maxChars('rule_name', req.rule_name, 20).maxItems('word_list', req.word_list, 300);
    req.word_list?.forEach((w, i) => c.required(`word_list[${i}]`, w).maxChars(`word_list[${i}]`, w, 32));
  }

  addInterceptRule(req: T.InterceptRuleFields): Promise<T.AddInterceptRuleResponse> {
    const c = check('addInterceptRule').required('rule_name', req.rule_name).itemsBetween('word_list', req.word_list, 1, 300).oneOf('intercept_type', req.intercept_type, [1, 2] as const);
    this.checkInterceptRule(c, req);
    const body = { rule_name: req.rule_name, word_list: req.word_list, semantics_list: req.semantics_list, intercept_type: req.intercept_type, applicable_range: req.applicable_range };
    return this.call('externalcontact/add_intercept_rule', { method: POST, body });
  }

  getInterceptRuleList(): Promise<T.InterceptRuleListResponse> {
    return this.call('externalcontact/get_intercept_rule_list');
  }

  getInterceptRule(ruleId: string): Promise<T.GetInterceptRuleResponse> {
    check('getInterceptRule').required('rule_id', ruleId);
    return this.call('externalcontact/get_intercept_rule', { method: POST, body: { rule_id: ruleId } });
  }

  updateInterceptRule(req: T.UpdateInterceptRuleRequest): Promise<T.WecomResponse> {
    const c = check('updateInterceptRule').required('rule_id', req.rule_id);
    this.checkInterceptRule(c, req);
    return this.call('externalcontact/update_intercept_rule', { method: POST, body: req });
  }

  delInterceptRule(ruleId: string): Promise<T.WecomResponse> {
    check('delInterceptRule').required('rule_id', ruleId);
    return this.call('externalcontact/del_intercept_rule', { method: POST, body: { rule_id: ruleId } });
  }

  // ---- §15 customer acquisition links ----

  customerAcquisitionListLink(req: T.CustomerAcquisitionListLinkRequest = {}): Promise<T.CustomerAcquisitionListLinkResponse> {
    check('customerAcquisitionListLink').intRange('limit', req.limit, 1, 100);
    return this.call('externalcontact/customer_acquisition/list_link', { method: POST, body: req });
  }

  iterateCustomerAcquisitionLinks(limit = 100): AsyncGenerator<string> {
    check('iterateCustomerAcquisitionLinks').intRange('limit', limit, 1, 100);
    return this.paginateItems('externalcontact/customer_acquisition/list_link', { limit }, { itemsField: 'link_id_list' });
  }

  customerAcquisitionGet(linkId: string): Promise<T.CustomerAcquisitionGetResponse> {
    check('customerAcquisitionGet').required('link_id', linkId);
    return this.call('externalcontact/customer_acquisition/get', { method: POST, body: { link_id: linkId } });
  }

  customerAcquisitionCreateLink(req: T.CustomerAcquisitionCreateLinkRequest): Promise<T.CustomerAcquisitionCreateLinkResponse> {
    const c = check('customerAcquisitionCreateLink').required('link_name', req.link_name);
    if (!req.range?.user_list?.length && !req.range?.department_list?.length) {
      c.fail('range', 'must list at least one user or department');
    }
    return this.call('externalcontact/customer_acquisition/create_link', { method: POST, body: req });
  }

  customerAcquisitionUpdateLink(req: T.CustomerAcquisitionUpdateLinkRequest): Promise<T.WecomResponse> {
    check('customerAcquisitionUpdateLink').required('link_id', req.link_id);
    return this.call('externalcontact/customer_acquisition/update_link', { method: POST, body: req });
  }

  customerAcquisitionDeleteLink(linkId: string): Promise<T.WecomResponse> {
    check('customerAcquisitionDeleteLink').required('link_id', linkId);
    return this.call('externalcontact/customer_acquisition/delete_link', { method: POST, body: { link_id: linkId } });
  }

  customerAcquisitionCustomer(req: T.CustomerAcquisitionCustomerRequest): Promise<T.CustomerAcquisitionCustomerResponse> {
    check('customerAcquisitionCustomer').required('link_id', req.link_id).intRange('limit', req.limit, 1, 1000);
    return this.call('externalcontact/customer_acquisition/customer', { method: POST, body: req });
  }

  iterateCustomerAcquisitionCustomers(linkId: string, limit = 1000): AsyncGenerator<T.CustomerAcquisitionCustomer> {
    check('iterateCustomerAcquisitionCustomers').required('link_id', linkId).intRange('limit', limit, 1, 1000);
    return this.paginateItems('externalcontact/customer_acquisition/customer', { link_id: linkId, limit }, { itemsField: 'customer_list' });
  }

  customerAcquisitionQuota(): Promise<T.CustomerAcquisitionQuotaResponse> {
    return this.call('externalcontact/customer_acquisition_quota');
  }

  customerAcquisitionStatistic(req: T.CustomerAcquisitionStatisticRequest): Promise<T.CustomerAcquisitionStatisticResponse> {
    const c = check('customerAcquisitionStatistic').required('link_id', req.link_id).required('start_time', req.start_time).required('end_time', req.end_time);
    if (req.end_time < req.start_time) c.fail('end_time', 'must not be before start_time');
    return this.call('externalcontact/customer_acquisition/statistic', { method: POST, body: req });
  }

  /** chat_key from the customer_acquisition event is valid for 30 minutes. */
  customerAcquisitionGetChatInfo(chatKey: string): Promise<T.CustomerAcquisitionGetChatInfoResponse> {
    check('customerAcquisitionGetChatInfo').required('chat_key', chatKey);
    return this.call('externalcontact/customer_acquisition/get_chat_info', { method: POST, body: { chat_key: chatKey } });
  }
}

/** sha1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`, the URL without its #fragment. */
export function signPage(url: string, ticket: string, opts: { nonceStr?: string; timestamp?: number } = {}): T.JsSdkSignature {
  const nonceStr = opts.nonceStr ?? randomBytes(8).toString('hex');
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const { signature } = getJsApiSignature({ url: url.split('#')[0], ticket, nonceStr, timestamp });
  return { timestamp, nonceStr, signature };
}
