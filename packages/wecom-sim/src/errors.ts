// WeCom answers every business call with HTTP 200 and `errcode`/`errmsg`. SimError carries such
// a pair through the simulator's services; ControlError is for the control API and phone view.

export class SimError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`${errcode} ${errmsg}`);
    this.name = 'SimError';
  }
}

/** A control-API or phone-view failure (not a WeCom API error): 400/404/409 with a message. */
export class ControlError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export const E = {
  system: () => new SimError(-1, 'system busy'),
  invalidCredential: () => new SimError(40001, 'invalid credential, access_token is invalid or not latest'),
  invalidUserid: (userid: string) => new SimError(60111, `userid not found: ${userid}`),
  invalidCorpid: () => new SimError(40013, 'invalid corpid'),
  invalidToken: () => new SimError(40014, 'invalid access_token'),
  tokenMissing: () => new SimError(41001, 'access_token missing'),
  corpidMissing: () => new SimError(41002, 'corpid missing'),
  secretMissing: () => new SimError(41004, 'corpsecret missing'),
  tokenExpired: () => new SimError(42001, 'access_token expired'),
  /** 40058: WeCom's "invalid parameter"; the simulator always names the field. */
  param: (field: string, why: string) => new SimError(40058, `invalid ${field}: ${why}`),
  dataFormat: () => new SimError(47001, 'data format error'),
  invalidMediaId: (id: string) => new SimError(40007, `invalid media_id: ${id}`),
  invalidTagId: (id: string) => new SimError(40068, `invalid tagid: ${id}`),
  tagNameExists: (name: string) => new SimError(40071, `tag name already exists: ${name}`),
  invalidExternalUserid: (id: string) => new SimError(40096, `invalid external userid: ${id}`),
  invalidChatId: (id: string) => new SimError(40050, `chatid not found: ${id}`),
  invalidAgentId: () => new SimError(40056, 'invalid agentid'),
  invalidMsgtype: (t: string) => new SimError(40008, `invalid message type: ${t}`),
  notExternalContact: () => new SimError(84061, 'not external contact'),
  welcomeCodeUnusable: () => new SimError(41051, 'externaluser has started chatting or welcome code is invalid'),
  rateLimited: () => new SimError(45009, 'api freq out of limit'),
  apiForbidden: () => new SimError(48002, 'api forbidden'),
  ipNotAllowed: (ip: string) => new SimError(60020, `not allow to access from your ip, from ip: ${ip}`),
  emptyMedia: () => new SimError(44001, 'empty media data'),
  mediaTooLarge: () => new SimError(45001, 'media size out of limit'),
  /** auth/getuserinfo: the code is unknown, used, older than 5 minutes or from another corp. */
  invalidCode: () => new SimError(40029, 'invalid code'),
  codeMissing: () => new SimError(41008, 'missing code'),
  invalidTicketType: () => new SimError(40058, 'invalid type: must be agent_config'),
};

/** The HTTP status a thrown error carries (Fastify's body-limit and parse errors), if any. */
export function statusCodeOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : undefined;
}

/** WeCom appends a hint (and the caller's IP) to every errmsg; Pond may show the text as is. */
export function decorateErrmsg(err: SimError, ip: string, nowSec: number): string {
  const hint = `${nowSec}_${Math.random().toString(16).slice(2, 14)}`;
  return `${err.errmsg}, hint: [${hint}], from ip: ${ip}, more info at https://open.work.weixin.qq.com/devtool/query?e=${err.errcode}`;
}
