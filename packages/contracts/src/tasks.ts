// The staff task inbox: every action Pond asks of a staff member (send this to that customer or group, confirm
// that mass send, post that moment) is a task with an owner, a due time, a target and content; staff receive
// them as a WeCom app message, a daily digest, and in the chat sidebar with one tap to send.
import { z } from 'zod';
import { ChatId, DateTime, Day, ExternalUserid, ItemsOf, List, RequiredText, RowIdParam, Userid } from './common';
import { ChatMessage, ContentInput } from './content';

/** review: something to deal with in WeCom by hand (a moderation alert: remove the member), done when the person says so. */
export const TASK_KINDS = ['send', 'confirm_mass', 'post_moment', 'review'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export const TASK_STATUSES = ['pending', 'overdue', 'done', 'skipped', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_SOURCES = ['playbook', 'broadcast', 'moment', 'manual', 'faq', 'moderation',
  // Spread (issue 14): a participant of an invite campaign reached a tier (their staff congratulates them).
  'invite'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];
export const TASK_DONE_VIAS = ['sidebar', 'task_page', 'manual', 'wecom'] as const;
export type TaskDoneVia = (typeof TASK_DONE_VIAS)[number];
export const TARGET_KINDS = ['customer', 'group', 'none'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const Task = z.object({
  id: z.number(),
  kind: z.enum(TASK_KINDS),
  status: z.enum(TASK_STATUSES),
  dueAt: DateTime,
  ownerUserid: z.string(),
  ownerName: z.string(),
  target: z.object({ kind: z.enum(TARGET_KINDS), externalUserid: z.string().nullable(), chatId: z.string().nullable(), name: z.string().nullable() }),
  text: z.string(),
  attachmentCount: z.number().int(),
  source: z.object({ kind: z.enum(TASK_SOURCES), id: z.number().nullable(), name: z.string() }),
  doneAt: DateTime.nullable(),
  doneVia: z.string().nullable(),
  skipReason: z.string().nullable(),
  createdAt: DateTime,
});
export type Task = z.input<typeof Task>;
export type TaskOutput = z.output<typeof Task>;

export const TaskListQuery = z.object({
  status: z.enum(TASK_STATUSES).optional(),
  /** Open tasks: pending and overdue. */
  open: z.enum(['true', 'false']).optional(),
  externalUserid: ExternalUserid.optional(),
  chatId: ChatId.optional(),
  ownerUserid: Userid.optional(),
  sourceKind: z.enum(TASK_SOURCES).optional(),
  sourceId: RowIdParam.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type TaskListQuery = z.input<typeof TaskListQuery>;
export const TaskPage = z.object({ items: z.array(Task), total: z.number().int() });

export const TaskMessages = ItemsOf(ChatMessage);

/** Where a person marked it done ('wecom' is Pond's own reading of WeCom, never a caller's claim). */
export const PERSON_DONE_VIAS = ['sidebar', 'task_page', 'manual'] as const;
export const TaskDoneBody = z.object({ via: z.enum(PERSON_DONE_VIAS, { error: `must be one of ${PERSON_DONE_VIAS.join(', ')}` }).default('manual') });
export type TaskDoneInput = z.input<typeof TaskDoneBody>;
export const TaskSkipBody = z.object({ reason: RequiredText(200) });
export type TaskSkipInput = z.input<typeof TaskSkipBody>;

/** A task made by hand (an operator asks a staff member to send something to a customer or group). */
export const TaskCreateBody = z.object({
  ownerUserid: Userid,
  externalUserid: ExternalUserid.optional(),
  chatId: ChatId.optional(),
  dueAt: z.iso.datetime({ offset: true, message: 'must be an ISO date-time with offset' }).optional(),
  content: ContentInput,
});
export type TaskCreateInput = z.input<typeof TaskCreateBody>;

export const TaskBoardQuery = z.object({ from: Day.optional(), to: Day.optional() });
export type TaskBoardQuery = z.input<typeof TaskBoardQuery>;
const Counts = { due: z.number().int(), done: z.number().int(), overdue: z.number().int(), skipped: z.number().int(), pending: z.number().int(), completion: z.number() };
export const TaskBoard = z.object({
  from: z.string(),
  to: z.string(),
  staff: z.array(z.object({ userid: z.string(), name: z.string(), storeId: z.number().nullable(), storeName: z.string().nullable(), ...Counts })),
  stores: z.array(z.object({ storeId: z.number().nullable(), storeName: z.string().nullable(), ...Counts })),
  total: z.object(Counts),
});
export type TaskBoard = z.input<typeof TaskBoard>;

export const TaskIds = List(z.number().int().positive(), 1000);
