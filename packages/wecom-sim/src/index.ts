// @pond/wecom-sim: a fake WeCom speaking the same API and encrypted callbacks, with simulated
// customers on simulated phones. See createSimulator and SimControl.
export { createSimulator, type Simulator, type SimulatorOptions } from './simulator';
export type { SimControl, ScanResult, CorpState, GroupMember } from './control';
export type { CorpInput, SimCorp } from './corps';
export type { SimLogger } from './context';
export type { CallbackRecord, VerifyResult } from './callbacks';
export type { WechatUser, WechatUserInput, AddStaffOptions, AddStaffResult, SimFollow, RemarkInput } from './customers';
export type { SimGroup, CreateGroupInput, JoinOptions, JoinResult, JoinScene } from './groups';
export type { DepartmentInput, StaffInput, SimStaff } from './org';
export type { SeedDemoOptions, SeedSummary } from './demo/seed-demo';
export type { DemoOrdersSummary } from './demo/seed-orders';
export type { InboxMessage } from './messages';
export type { SimOrder, PayOrderInput, OrderItem } from './orders';
export { SimError, ControlError } from './errors';
export { QR_JOIN_CAP, GROUP_MEMBER_CAP } from './groups';
export { WELCOME_CODE_TTL_MS } from './welcome';
