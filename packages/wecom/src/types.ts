// Request and response shapes of the WeCom server API, with WeCom's own snake_case field names.
// Section numbers refer to /work/shared/WECOM.md. Optional response fields are ones WeCom omits in some cases.

export interface WecomResponse {
  errcode?: number;
  errmsg?: string;
}

export interface CursorPage {
  next_cursor?: string;
}

// ---- §1 auth and infrastructure ----

export interface GetTokenResponse extends WecomResponse {
  access_token: string;
  expires_in: number;
}

export interface IpListResponse extends WecomResponse {
  ip_list: string[];
}

export interface UserInfoByCodeResponse extends WecomResponse {
  /** Set for members of the corp. */
  userid?: string;
  /** For snsapi_privateinfo: exchange at auth/getuserdetail (valid `expires_in` seconds). */
  user_ticket?: string;
  expires_in?: number;
  /** Set for non-members instead of userid. */
  openid?: string;
  external_userid?: string;
}

export interface TicketResponse extends WecomResponse {
  ticket: string;
  expires_in: number;
}

// ---- organisation (departments and members) ----

export interface Department {
  id: number;
  name?: string;
  name_en?: string;
  department_leader?: string[];
  parentid: number;
  order?: number;
}

export interface DepartmentListResponse extends WecomResponse {
  department: Department[];
}

export interface User {
  userid: string;
  name?: string;
  department?: number[];
  order?: number[];
  position?: string;
  mobile?: string;
  gender?: string;
  email?: string;
  biz_mail?: string;
  is_leader_in_dept?: number[];
  direct_leader?: string[];
  avatar?: string;
  thumb_avatar?: string;
  telephone?: string;
  alias?: string;
  /** 1 active, 2 disabled, 4 not activated, 5 left. */
  status?: number;
  address?: string;
  open_userid?: string;
  main_department?: number;
  qr_code?: string;
  external_position?: string;
  external_profile?: ExternalProfile;
  extattr?: unknown;
}

export interface UserGetResponse extends WecomResponse, User {}

export interface UserListResponse extends WecomResponse {
  userlist: User[];
}

export interface UserListIdRequest {
  cursor?: string;
  /** 1–10000. */
  limit?: number;
}

export interface UserListIdResponse extends WecomResponse, CursorPage {
  dept_user: { userid: string; open_userid?: string; department: number }[];
}

// ---- message payloads shared by §4, §5, §10 ----

export interface TextContent {
  content: string;
}

export interface ImagePayload {
  media_id?: string;
  /** Must come from media/uploadimg. */
  pic_url?: string;
}

export interface LinkPayload {
  title: string;
  picurl?: string;
  desc?: string;
  url: string;
}

export interface MiniprogramPayload {
  title: string;
  pic_media_id: string;
  appid: string;
  page: string;
}

export interface MediaPayload {
  media_id: string;
}

export type MessageAttachment =
  | { msgtype: 'image'; image: ImagePayload }
  | { msgtype: 'link'; link: LinkPayload }
  | { msgtype: 'miniprogram'; miniprogram: MiniprogramPayload }
  | { msgtype: 'video'; video: MediaPayload }
  | { msgtype: 'file'; file: MediaPayload };

// ---- §4 contact ways ----

export interface ContactWayConclusions {
  text?: TextContent;
  image?: ImagePayload;
  link?: LinkPayload;
  miniprogram?: MiniprogramPayload;
}

export interface ContactWayFields {
  /** Button style for scene 1. */
  style?: number;
  remark?: string;
  /** WeCom's default is true: customers are added without the member's confirmation. */
  skip_verify?: boolean;
  /** ≤ 30 characters; echoed as State in add_external_contact and follow_user.state. */
  state?: string;
  user?: string[];
  party?: number[];
  expires_in?: number;
  chat_expires_in?: number;
  unionid?: string;
  conclusions?: ContactWayConclusions;
}

export interface AddContactWayRequest extends ContactWayFields {
  /** 1 single member, 2 multiple members. */
  type: 1 | 2;
  /** 1 mini-program button, 2 QR code. */
  scene: 1 | 2;
  is_temp?: boolean;
  is_exclusive?: boolean;
}

export interface AddContactWayResponse extends WecomResponse {
  config_id: string;
  qr_code?: string;
}

export interface ContactWay extends AddContactWayRequest {
  config_id: string;
  qr_code?: string;
}

export interface GetContactWayResponse extends WecomResponse {
  contact_way: ContactWay;
}

export interface ListContactWayRequest {
  start_time?: number;
  end_time?: number;
  cursor?: string;
  /** ≤ 1000, default 100. */
  limit?: number;
}

export interface ListContactWayResponse extends WecomResponse, CursorPage {
  contact_way: { config_id: string }[];
}

export interface UpdateContactWayRequest extends ContactWayFields {
  config_id: string;
}

export interface CloseTempChatRequest {
  userid: string;
  external_userid: string;
}

// ---- §5 welcome messages ----

export interface SendWelcomeMsgRequest {
  welcome_code: string;
  text?: TextContent;
  /** ≤ 9. */
  attachments?: MessageAttachment[];
}

export interface GroupWelcomeTemplateContent {
  text?: TextContent;
  image?: ImagePayload;
  link?: LinkPayload;
  miniprogram?: MiniprogramPayload;
  file?: MediaPayload;
  video?: MediaPayload;
}

export interface GroupWelcomeTemplateAddRequest extends GroupWelcomeTemplateContent {
  agentid?: number;
  /** 0 don't notify members, 1 notify (default). */
  notify?: 0 | 1;
}

export interface GroupWelcomeTemplateAddResponse extends WecomResponse {
  template_id: string;
}

export interface GroupWelcomeTemplateEditRequest extends GroupWelcomeTemplateContent {
  template_id: string;
  agentid?: number;
}

export interface GroupWelcomeTemplateGetResponse extends WecomResponse, GroupWelcomeTemplateContent {}

// ---- §6 group join ways ----

export interface JoinWayFields {
  /** 1 mini-program plugin, 2 QR code. */
  scene: 1 | 2;
  remark?: string;
  /** Default 1: create a new group when the listed ones are full. */
  auto_create_room?: 0 | 1;
  room_base_name?: string;
  room_base_id?: number;
  /** 1–5 chat ids. */
  chat_id_list: string[];
  state?: string;
}

export type AddJoinWayRequest = JoinWayFields;

export interface AddJoinWayResponse extends WecomResponse {
  config_id: string;
}

export interface JoinWay extends JoinWayFields {
  config_id: string;
  qr_code?: string;
}

export interface GetJoinWayResponse extends WecomResponse {
  join_way: JoinWay;
}

/** Replaces the whole configuration. */
export interface UpdateJoinWayRequest extends JoinWayFields {
  config_id: string;
}

// ---- §7 customer groups ----

export interface GroupchatListRequest {
  /** 0 all, 1 owner resigned, 2 takeover in progress, 3 takeover done. */
  status_filter?: 0 | 1 | 2 | 3;
  owner_filter?: { userid_list: string[] };
  cursor?: string;
  /** Required, 1–1000. */
  limit: number;
}

export interface GroupchatListItem {
  chat_id: string;
  status: number;
}

export interface GroupchatListResponse extends WecomResponse, CursorPage {
  group_chat_list: GroupchatListItem[];
}

export interface GroupChatMember {
  userid: string;
  /** 1 corp member, 2 external contact. */
  type: 1 | 2;
  unionid?: string;
  join_time: number;
  /** 1 direct invite, 2 invite link, 3 group QR code. */
  join_scene: number;
  invitor?: { userid: string };
  group_nickname?: string;
  name?: string;
  state?: string;
}

export interface GroupChat {
  chat_id: string;
  name?: string;
  owner: string;
  create_time: number;
  notice?: string;
  member_list: GroupChatMember[];
  admin_list?: { userid: string }[];
  member_version?: string;
}

export interface GroupchatGetResponse extends WecomResponse {
  group_chat: GroupChat;
}

export interface OpengidToChatidResponse extends WecomResponse {
  chat_id: string;
}

// ---- §8 customers ----

export interface FollowUserListResponse extends WecomResponse {
  follow_user: string[];
}

export interface ExternalContactListResponse extends WecomResponse {
  external_userid: string[];
}

export interface ExternalProfile {
  external_corp_name?: string;
  wechat_channels?: { nickname?: string; status?: number };
  external_attr?: unknown[];
}

export interface ExternalContact {
  external_userid: string;
  name: string;
  avatar?: string;
  /** 1 WeChat user, 2 WeCom user. */
  type: 1 | 2;
  /** 0 unknown, 1 male, 2 female. */
  gender?: 0 | 1 | 2;
  unionid?: string;
  position?: string;
  corp_name?: string;
  corp_full_name?: string;
  external_profile?: ExternalProfile;
}

export interface FollowUserTag {
  group_name?: string;
  tag_name: string;
  /** Absent for personal tags. */
  tag_id?: string;
  /** 1 corp, 2 personal, 3 strategy. */
  type: 1 | 2 | 3;
}

interface FollowCommon {
  userid: string;
  remark?: string;
  description?: string;
  createtime: number;
  remark_corp_name?: string;
  remark_mobiles?: string[];
  oper_userid?: string;
  /** See WECOM.md §8; 16 = acquisition link. */
  add_way?: number;
  state?: string;
  wechat_channels?: { nickname?: string; source?: number };
}

export interface FollowUser extends FollowCommon {
  tags?: FollowUserTag[];
}

/** batch/get_by_user form: tag ids only, personal tags omitted. */
export interface FollowInfo extends FollowCommon {
  tag_id?: string[];
}

export interface GetExternalContactResponse extends WecomResponse, CursorPage {
  external_contact: ExternalContact;
  follow_user: FollowUser[];
}

export interface BatchGetByUserRequest {
  /** 1–100 userids. */
  userid_list: string[];
  cursor?: string;
  /** ≤ 100, default 50. */
  limit?: number;
}

export interface BatchExternalContact {
  external_contact: ExternalContact;
  follow_info: FollowInfo;
}

export interface BatchGetByUserResponse extends WecomResponse, CursorPage {
  external_contact_list: BatchExternalContact[];
  fail_info?: { unlicensed_userid_list?: string[] };
}

export interface RemarkRequest {
  userid: string;
  external_userid: string;
  remark?: string;
  description?: string;
  remark_company?: string;
  remark_mobiles?: string[];
  remark_pic_mediaid?: string;
}

export interface ContactListRequest {
  cursor?: string;
  /** ≤ 1000 (the default). */
  limit?: number;
}

export interface ContactListItem {
  is_customer: boolean;
  /** Valid 4 h. */
  tmp_openid: string;
  external_userid?: string;
  name?: string;
  follow_userid?: string;
  chat_id?: string;
  chat_name?: string;
  add_time: number;
}

export interface ContactListResponse extends WecomResponse, CursorPage {
  info_list: ContactListItem[];
}

export interface UnionidToExternalUseridRequest {
  unionid: string;
  openid: string;
  /** 0 corp subject (default), 1 service-provider subject. */
  subject_type?: 0 | 1;
}

export interface UnionidToExternalUseridResponse extends WecomResponse {
  external_userid?: string;
  pending_id?: string;
}

export interface ConvertToOpenidResponse extends WecomResponse {
  openid: string;
}

// ---- §9 tags ----

export interface CorpTag {
  id: string;
  name: string;
  create_time: number;
  order: number;
  deleted?: boolean;
}

export interface CorpTagGroup {
  group_id: string;
  group_name: string;
  create_time: number;
  order: number;
  deleted?: boolean;
  tag: CorpTag[];
}

export interface GetCorpTagListRequest {
  tag_id?: string[];
  group_id?: string[];
}

export interface GetCorpTagListResponse extends WecomResponse {
  tag_group: CorpTagGroup[];
}

export interface NewTag {
  name: string;
  order?: number;
}

export interface AddCorpTagRequest {
  group_id?: string;
  group_name?: string;
  order?: number;
  tag: NewTag[];
  agentid?: number;
}

export interface AddCorpTagResponse extends WecomResponse {
  tag_group: CorpTagGroup;
}

export interface EditCorpTagRequest {
  /** A tag id or a tag-group id. */
  id: string;
  name?: string;
  order?: number;
  agentid?: number;
}

export interface DelCorpTagRequest {
  tag_id?: string[];
  group_id?: string[];
  agentid?: number;
}

export interface MarkTagRequest {
  userid: string;
  external_userid: string;
  add_tag?: string[];
  remove_tag?: string[];
}

export interface StrategyTagGroup extends CorpTagGroup {
  strategy_id: number;
}

export interface GetStrategyTagListRequest {
  strategy_id?: number;
  tag_id?: string[];
  group_id?: string[];
}

export interface GetStrategyTagListResponse extends WecomResponse {
  tag_group: StrategyTagGroup[];
}

export interface AddStrategyTagRequest {
  strategy_id: number;
  group_id?: string;
  group_name?: string;
  order?: number;
  tag: NewTag[];
}

export interface AddStrategyTagResponse extends WecomResponse {
  tag_group: StrategyTagGroup;
}

export interface EditStrategyTagRequest {
  id: string;
  name?: string;
  order?: number;
}

export interface DelStrategyTagRequest {
  tag_id?: string[];
  group_id?: string[];
}

export interface CustomerStrategyListRequest {
  cursor?: string;
  /** ≤ 1000. */
  limit?: number;
}

export interface CustomerStrategyListResponse extends WecomResponse, CursorPage {
  strategy: { strategy_id: number }[];
}

// ---- §10 mass messaging ----

export interface AddMsgTemplateRequest {
  chat_type?: 'single' | 'group';
  /** single only, ≤ 10 000. */
  external_userid?: string[];
  /** group only, ≤ 2 000. */
  chat_id_list?: string[];
  tag_filter?: { group_list: { tag_list: string[] }[] };
  sender?: string;
  allow_select?: boolean;
  text?: TextContent;
  /** ≤ 9. */
  attachments?: MessageAttachment[];
}

export interface AddMsgTemplateResponse extends WecomResponse {
  fail_list?: string[];
  msgid: string;
}

export interface GetGroupmsgListV2Request {
  chat_type: 'single' | 'group';
  start_time: number;
  end_time: number;
  /** One member's userid: only sends that member created (API-created sends have no creator). */
  creator?: string;
  /** 0 corp, 1 personal, 2 all (default). */
  filter_type?: 0 | 1 | 2;
  /** ≤ 100, default 50. */
  limit?: number;
  cursor?: string;
}

export interface GroupMsg {
  msgid: string;
  /** Absent for API-created sends. */
  creator?: string;
  create_time: string | number;
  /** 0 corp, 1 personal. */
  create_type: number;
  text?: TextContent;
  attachments?: MessageAttachment[];
}

export interface GetGroupmsgListV2Response extends WecomResponse, CursorPage {
  group_msg_list: GroupMsg[];
}

export interface GetGroupmsgTaskRequest {
  msgid: string;
  /** ≤ 1000, default 500. */
  limit?: number;
  cursor?: string;
}

export interface GroupmsgTask {
  userid: string;
  /** 0 not sent, 2 sent. */
  status: number;
  send_time?: number;
}

export interface GetGroupmsgTaskResponse extends WecomResponse, CursorPage {
  task_list: GroupmsgTask[];
}

export interface GetGroupmsgSendResultRequest {
  msgid: string;
  userid: string;
  /** ≤ 1000. */
  limit?: number;
  cursor?: string;
}

export interface GroupmsgSendResult {
  external_userid?: string;
  chat_id?: string;
  userid: string;
  /** 0 not sent, 1 sent, 2 not a friend, 3 already received another mass message. */
  status: number;
  send_time?: number;
}

export interface GetGroupmsgSendResultResponse extends WecomResponse, CursorPage {
  send_list: GroupmsgSendResult[];
}

// ---- §11 moments ----

export type MomentAttachment =
  | { msgtype: 'image'; image: MediaPayload }
  | { msgtype: 'video'; video: MediaPayload }
  | { msgtype: 'link'; link: { title?: string; url: string; media_id: string } };

export interface AddMomentTaskRequest {
  text?: TextContent;
  /** ≤ 9 images, or 1 video, or 1 link; media from media/upload_attachment. */
  attachments?: MomentAttachment[];
  visible_range?: {
    sender_list?: { user_list?: string[]; department_list?: number[] };
    external_contact_list?: { tag_list?: string[] };
  };
}

export interface AddMomentTaskResponse extends WecomResponse {
  jobid: string;
}

export interface GetMomentTaskResultResponse extends WecomResponse {
  /** 1 started, 2 running, 3 done. */
  status: 1 | 2 | 3;
  type: string;
  result?: {
    errcode: number;
    errmsg: string;
    moment_id?: string;
    invalid_sender_list?: { user_list?: string[]; department_list?: number[] };
    invalid_external_contact_list?: { tag_list?: string[] };
  };
}

export interface GetMomentListRequest {
  start_time: number;
  end_time: number;
  creator?: string;
  /** 0 corp, 1 personal, 2 all. */
  filter_type?: 0 | 1 | 2;
  cursor?: string;
  /** ≤ 20. */
  limit?: number;
}

export interface Moment {
  moment_id: string;
  creator?: string;
  create_time: number | string;
  /** 0 corp, 1 personal. */
  create_type: number;
  visible_type: number;
  text?: TextContent;
  image?: MediaPayload[];
  video?: { media_id: string; thumb_media_id?: string };
  link?: { title: string; url: string };
  location?: { latitude: string; longitude: string; name: string };
}

export interface GetMomentListResponse extends WecomResponse, CursorPage {
  moment_list: Moment[];
}

export interface GetMomentTaskRequest {
  moment_id: string;
  cursor?: string;
  /** ≤ 1000. */
  limit?: number;
}

export interface GetMomentTaskResponse extends WecomResponse, CursorPage {
  task_list: { userid: string; publish_status: number }[];
}

export interface GetMomentCustomerListRequest {
  moment_id: string;
  userid: string;
  cursor?: string;
  /** ≤ 1000. */
  limit?: number;
}

export interface GetMomentCustomerListResponse extends WecomResponse, CursorPage {
  customer_list: { userid: string; external_userid: string }[];
}

export interface GetMomentSendResultRequest {
  moment_id: string;
  userid: string;
  cursor?: string;
  /** ≤ 5000, default 3000. */
  limit?: number;
}

export interface GetMomentSendResultResponse extends WecomResponse, CursorPage {
  customer_list: { external_userid: string }[];
}

export interface MomentInteraction {
  external_userid?: string;
  userid?: string;
  create_time: number;
}

export interface GetMomentCommentsResponse extends WecomResponse {
  comment_list: MomentInteraction[];
  like_list: MomentInteraction[];
}

// ---- media ----

export interface UploadFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

export type MediaType = 'image' | 'voice' | 'video' | 'file';

export interface MediaUploadResponse extends WecomResponse {
  type: string;
  media_id: string;
  created_at: string | number;
}

export interface MediaUploadImgResponse extends WecomResponse {
  url: string;
}

// ---- §12 transfer ----

export interface TransferCustomerRequest {
  handover_userid: string;
  takeover_userid: string;
  /** 1–100. */
  external_userid: string[];
  /** ≤ 200 characters. */
  transfer_success_msg?: string;
}

export interface TransferCustomerResponse extends WecomResponse {
  /** errcode 0 only means the transfer has started. */
  customer: { external_userid: string; errcode: number }[];
}

export interface TransferResultRequest {
  handover_userid: string;
  takeover_userid: string;
  cursor?: string;
}

export interface TransferResultItem {
  external_userid: string;
  /** 1 done, 2 waiting, 3 refused, 4 takeover member at limit, 5 no record. */
  status: number;
  takeover_time?: number;
}

export interface TransferResultResponse extends WecomResponse, CursorPage {
  customer: TransferResultItem[];
}

export interface GetUnassignedListRequest {
  page_id?: number;
  cursor?: string;
  /** ≤ 1000. */
  page_size?: number;
}

export interface UnassignedCustomer {
  handover_userid: string;
  external_userid: string;
  dimission_time: number;
}

export interface GetUnassignedListResponse extends WecomResponse, CursorPage {
  info: UnassignedCustomer[];
  is_last: boolean;
}

export interface ResignedTransferCustomerRequest {
  handover_userid: string;
  takeover_userid: string;
  /** 1–100. */
  external_userid: string[];
}

export interface GroupchatTransferRequest {
  /** 1–100. */
  chat_id_list: string[];
  new_owner: string;
}

export interface GroupchatTransferResponse extends WecomResponse {
  failed_chat_list?: { chat_id: string; errcode: number; errmsg: string }[];
}

// ---- §13 statistics ----

export interface GetUserBehaviorDataRequest {
  userid?: string[];
  partyid?: number[];
  /** Seconds; the span is inclusive and at most 30 days. */
  start_time: number;
  end_time: number;
}

export interface BehaviorData {
  stat_time: number;
  new_apply_cnt?: number;
  new_contact_cnt?: number;
  chat_cnt?: number;
  message_cnt?: number;
  reply_percentage?: number;
  avg_reply_time?: number;
  negative_feedback_cnt?: number;
}

export interface GetUserBehaviorDataResponse extends WecomResponse {
  behavior_data: BehaviorData[];
}

export interface GroupchatStatisticData {
  new_chat_cnt: number;
  chat_total: number;
  chat_has_msg: number;
  new_member_cnt: number;
  member_total: number;
  member_has_msg: number;
  msg_total: number;
  migrate_trainee_chat_cnt?: number;
}

export interface GroupchatStatisticRequest {
  day_begin_time: number;
  day_end_time?: number;
  owner_filter: { userid_list: string[] };
  /** 1 new groups, 2 total groups, 3 new members, 4 total members. */
  order_by?: 1 | 2 | 3 | 4;
  order_asc?: 0 | 1;
  offset?: number;
  /** 1–1000, default 500. */
  limit?: number;
}

export interface GroupchatStatisticResponse extends WecomResponse {
  total: number;
  next_offset: number;
  items: { owner: string; data: GroupchatStatisticData }[];
}

export interface GroupchatStatisticGroupByDayRequest {
  day_begin_time: number;
  day_end_time?: number;
  owner_filter: { userid_list: string[] };
}

export interface GroupchatStatisticGroupByDayResponse extends WecomResponse {
  items: { stat_time: number; data: GroupchatStatisticData }[];
}

// ---- §14 app messages and JS-SDK ----

export interface MessageSendCommon {
  /** `a|b|c` (≤ 1000) or `@all`. */
  touser?: string;
  /** `1|2` (≤ 100). */
  toparty?: string;
  /** `1|2` (≤ 100). */
  totag?: string;
  /** Defaults to the client's agentId. */
  agentid?: number;
  safe?: 0 | 1;
  enable_id_trans?: 0 | 1;
  enable_duplicate_check?: 0 | 1;
  /** Seconds, ≤ 14400. */
  duplicate_check_interval?: number;
}

export interface TextcardPayload {
  title: string;
  description: string;
  url: string;
  btntxt?: string;
}

export interface NewsArticle {
  title: string;
  description?: string;
  url?: string;
  picurl?: string;
  appid?: string;
  pagepath?: string;
}

export type MessageSendRequest = MessageSendCommon &
  (
    | { msgtype: 'text'; text: TextContent }
    | { msgtype: 'markdown'; markdown: TextContent }
    | { msgtype: 'textcard'; textcard: TextcardPayload }
    | { msgtype: 'news'; news: { articles: NewsArticle[] } }
    | { msgtype: 'image'; image: MediaPayload }
    | { msgtype: 'file'; file: MediaPayload }
  );

export interface MessageSendResponse extends WecomResponse {
  invaliduser?: string;
  invalidparty?: string;
  invalidtag?: string;
  unlicenseduser?: string;
  msgid: string;
  response_code?: string;
}

export interface JsSdkSignature {
  timestamp: number;
  nonceStr: string;
  signature: string;
}

// ---- §15 customer acquisition links ----

export interface CustomerAcquisitionRange {
  user_list?: string[];
  department_list?: number[];
}

export interface CustomerAcquisitionLink {
  link_id: string;
  link_name: string;
  /** https://work.weixin.qq.com/ca/…; append `customer_channel=` (≤ 64 bytes) to get it back as `state`. */
  url: string;
  create_time: number;
  skip_verify?: boolean;
}

export interface CustomerAcquisitionListLinkRequest {
  /** ≤ 100. */
  limit?: number;
  cursor?: string;
}

export interface CustomerAcquisitionListLinkResponse extends WecomResponse, CursorPage {
  link_id_list: string[];
}

export interface CustomerAcquisitionGetResponse extends WecomResponse {
  link: CustomerAcquisitionLink;
  range: CustomerAcquisitionRange;
}

export interface CustomerAcquisitionCreateLinkRequest {
  link_name: string;
  range: CustomerAcquisitionRange;
  skip_verify?: boolean;
}

export interface CustomerAcquisitionCreateLinkResponse extends WecomResponse {
  link: CustomerAcquisitionLink;
}

export interface CustomerAcquisitionUpdateLinkRequest {
  link_id: string;
  link_name?: string;
  range?: CustomerAcquisitionRange;
  skip_verify?: boolean;
}

export interface CustomerAcquisitionCustomerRequest {
  link_id: string;
  /** ≤ 1000. */
  limit?: number;
  cursor?: string;
}

export interface CustomerAcquisitionCustomer {
  external_userid: string;
  userid: string;
  /** 0 hasn't sent a message, 1 has, 2 unknown. */
  chat_status: 0 | 1 | 2;
  state?: string;
}

export interface CustomerAcquisitionCustomerResponse extends WecomResponse, CursorPage {
  customer_list: CustomerAcquisitionCustomer[];
}

export interface CustomerAcquisitionQuotaResponse extends WecomResponse {
  total: number;
  balance: number;
  quota_list?: { balance: number; expire_date: number }[];
}

export interface CustomerAcquisitionStatisticRequest {
  link_id: string;
  start_time: number;
  end_time: number;
}

export interface CustomerAcquisitionStatisticResponse extends WecomResponse {
  click_link_customer_cnt: number;
  new_customer_cnt: number;
}

export interface CustomerAcquisitionGetChatInfoResponse extends WecomResponse {
  userid: string;
  external_userid: string;
  chat_info: { recv_msg_cnt: number; link_id: string; state?: string };
}

// ---- §16 chat archive ----

export interface MsgauditAgreeQuery { userid: string; exteranalopenid: string }
export interface MsgauditCheckSingleAgreeResponse extends WecomResponse {
  agreeinfo: { status_change_time: number; userid: string; exteranalopenid: string; agree_status: 'Agree' | 'Disagree' }[];
}

// ---- §18 staff-side sensitive words (intercept rules) ----

export interface InterceptRuleFields {
  rule_name: string;
  /** 1–300 words of 1–32 characters. */
  word_list: string[];
  /** 1 phone number, 2 email, 3 red packet. */
  semantics_list?: number[];
  /** 1 warn and block, 2 warn only. */
  intercept_type: 1 | 2;
  applicable_range: { user_list?: string[]; department_list?: number[] };
}
export interface AddInterceptRuleResponse extends WecomResponse { rule_id: string }
export interface InterceptRuleListResponse extends WecomResponse { rule_list: { rule_id: string; rule_name: string; create_time: number }[] }
export interface GetInterceptRuleResponse extends WecomResponse {
  rule: InterceptRuleFields & { rule_id: string; create_time?: number };
}
/** update_intercept_rule: the changed fields, and the range as additions and removals. */
export interface UpdateInterceptRuleRequest {
  rule_id: string;
  rule_name?: string;
  word_list?: string[];
  extra_rule?: { semantics_list?: number[] };
  intercept_type?: 1 | 2;
  add_applicable_range?: { user_list?: string[]; department_list?: number[] };
  remove_applicable_range?: { user_list?: string[]; department_list?: number[] };
}
