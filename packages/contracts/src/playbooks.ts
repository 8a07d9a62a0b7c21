// Playbooks (SOP: 个人SOP / 群SOP): timed steps that staff carry out. A customer playbook enrols a customer on a
// trigger (an add through a code or channel, a tag, entering a segment, an order, no order for N days, a date
// attribute, by hand or CSV) and runs its steps at offsets from the enrolment ("day 0 +10 min", "day 1 at 20:00"),
// each as a 1:1 task for the customer's staff member or a mass send to exactly that customer, until an exit
// condition ends it. A group playbook runs its steps on a calendar (every day at 08:00, weekly, monthly, fixed
// dates) for the groups of some tiers, labels or a list. Every step to every target is tracked as a run.
import { z } from 'zod';
import { ChatId, DateTime, Day, ExternalUserid, Int4, ItemsOf, List, PageOf, RequiredText, RowId, RowIdParam, TagId, Text, Userid } from './common';
import { Content, ContentInput } from './content';
import { QUIET_ACTIONS, SKIP_REASONS } from './governance';

export const PLAYBOOK_KINDS = ['customer', 'group'] as const;
export type PlaybookKind = (typeof PLAYBOOK_KINDS)[number];
/** draft (nothing runs) → active (triggers enrol, steps go out) ⇄ paused (no new enrolments, due steps wait) → archived. */
export const PLAYBOOK_STATUSES = ['draft', 'active', 'paused', 'archived'] as const;
export type PlaybookStatus = (typeof PLAYBOOK_STATUSES)[number];
/** Whether a customer may be enrolled again: never; after the last enrolment ended (exit or completion); always
 * (a new trigger restarts a live enrolment). */
export const REENTRY_POLICIES = ['never', 'after_end', 'always'] as const;
export type ReentryPolicy = (typeof REENTRY_POLICIES)[number];
/** How a step reaches its target: a task for the staff member (sent from the sidebar), or a WeCom mass send
 * (add_msg_template to exactly that customer or group, confirmed by the staff member in WeCom). */
export const STEP_DELIVERIES = ['task', 'mass'] as const;
export type StepDelivery = (typeof STEP_DELIVERIES)[number];
export const ENROLMENT_STATUSES = ['active', 'completed', 'exited'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];
/** How a customer came in. */
export const ENROLMENT_SOURCES = ['trigger', 'manual', 'csv'] as const;
export type EnrolmentSource = (typeof ENROLMENT_SOURCES)[number];
/** A run (one step to one target): pending (not due) → planned (the budget reserved; waiting out quiet hours) →
 * task_created (a task or a mass send waits for the staff member) → sent; or skipped (with the reason), failed. */
export const RUN_STATUSES = ['pending', 'planned', 'task_created', 'sent', 'skipped', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Why a run was skipped or failed: the contact budget's reasons, and the playbook's own. */
export const RUN_REASONS = [
  ...SKIP_REASONS, 'missed', 'staff_skipped', 'cancelled', 'not_confirmed', 'wecom_error', 'archived', 'step_removed',
] as const;
export type RunReason = (typeof RUN_REASONS)[number];

export const TRIGGER_TYPES = ['added', 'tagged', 'segment', 'order_paid', 'no_order', 'date', 'manual'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:mm (00:00–23:59)');

export const PlaybookTrigger = z.discriminatedUnion('type', [
  /** Added through one of these live codes or channels, or a contact way whose state starts with the prefix; none given = any add. */
  z.object({
    type: z.literal('added'),
    codeIds: List(RowId, 50).default([]),
    channels: List(RequiredText(60), 50).default([]),
    statePrefix: Text(30).nullish(),
  }),
  /** Tagged with any of these tags (by anyone, in WeCom or in Pond). */
  z.object({ type: z.literal('tagged'), tagIds: List(TagId, 50).min(1, 'name at least one tag') }),
  /** Entered the saved segment (evaluated every few minutes); `includeExisting` enrols its members at activation too. */
  z.object({ type: z.literal('segment'), segmentId: RowId, includeExisting: z.boolean().default(false) }),
  /** Paid an order (of at least `minAmount` yuan). */
  z.object({ type: z.literal('order_paid'), minAmount: z.number().min(0).max(10_000_000).nullish() }),
  /** No order for `days` days since their last one (or since they were added, when they never ordered). */
  z.object({ type: z.literal('no_order'), days: Int4(1, 3650) }),
  /** A date attribute (customer_attributes, e.g. birthday: YYYY-MM-DD or MM-DD) whose month-day is `daysBefore` days
   * from today in the corp's time zone; once a year. */
  z.object({ type: z.literal('date'), key: RequiredText(60), daysBefore: Int4(0, 60).default(0) }),
  /** Only enrolled by hand or by CSV (every customer playbook also accepts those). */
  z.object({ type: z.literal('manual') }),
], { error: `trigger.type must be one of ${TRIGGER_TYPES.join(', ')}` });
export type PlaybookTrigger = z.output<typeof PlaybookTrigger>;
export type PlaybookTriggerInput = z.input<typeof PlaybookTrigger>;

export const EXIT_TYPES = ['tag_added', 'order_paid', 'deleted', 'group_joined', 'enrolled_elsewhere'] as const;
export type ExitType = (typeof EXIT_TYPES)[number];
export const PlaybookExit = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tag_added'), tagIds: List(TagId, 50).min(1, 'name at least one tag') }),
  z.object({ type: z.literal('order_paid') }),
  /** The relation with the owner ended: the customer deleted the staff member, or the staff member the customer. */
  z.object({ type: z.literal('deleted') }),
  /** Joined one of these groups (none listed: any group). */
  z.object({ type: z.literal('group_joined'), chatIds: List(ChatId, 50).default([]) }),
  /** Enrolled in one of these playbooks (none listed: any other playbook). */
  z.object({ type: z.literal('enrolled_elsewhere'), playbookIds: List(RowId, 50).default([]) }),
], { error: `exits[].type must be one of ${EXIT_TYPES.join(', ')}` });
export type PlaybookExit = z.output<typeof PlaybookExit>;

export const REPEATS = ['daily', 'weekly', 'monthly', 'dates'] as const;
export type Repeat = (typeof REPEATS)[number];
/** A group step's calendar, in the corp's time zone. */
export const StepSchedule = z.object({
  repeat: z.enum(REPEATS, { error: `must be one of ${REPEATS.join(', ')}` }),
  time: HHMM,
  /** weekly: ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: List(Int4(1, 7), 7).default([]),
  /** monthly: days of the month (a day a month lacks is skipped that month). */
  monthDays: List(Int4(1, 31), 31).default([]),
  /** dates: fixed days. */
  dates: List(Day, 100).default([]),
});
export type StepSchedule = z.output<typeof StepSchedule>;

export const PlaybookStepInput = z.object({
  /** An existing step's id (kept, with its results); absent = a new step. */
  id: RowId.optional(),
  name: Text(60).optional(),
  /** Customer playbooks: the day after enrolment (0 = the day of enrolment) … */
  day: Int4(0, 365).optional(),
  /** … at this time of day in the corp's time zone, or (null) `offsetMinutes` after the moment of enrolment. */
  time: HHMM.nullish(),
  offsetMinutes: Int4(0, 1439).optional(),
  /** Group playbooks: the calendar. */
  schedule: StepSchedule.optional(),
  content: ContentInput,
  delivery: z.enum(STEP_DELIVERIES, { error: `must be one of ${STEP_DELIVERIES.join(', ')}` }).default('task'),
});
export type PlaybookStepInput = z.input<typeof PlaybookStepInput>;

/** Group playbooks: groups of any of these tiers or labels, or listed. */
export const GroupAudience = z.object({
  tiers: List(Text(30), 50).default([]),
  labels: List(Text(30), 50).default([]),
  chatIds: List(ChatId, 2000).default([]),
});
export type GroupAudience = z.output<typeof GroupAudience>;

export const STEPS_MAX = 30;
const Fields = {
  name: RequiredText(60),
  description: Text(500).optional(),
  trigger: PlaybookTrigger.optional(),
  audience: GroupAudience.optional(),
  exits: List(PlaybookExit, 10).optional(),
  reentry: z.enum(REENTRY_POLICIES, { error: `must be one of ${REENTRY_POLICIES.join(', ')}` }).optional(),
  /** A step due in the corp's quiet hours waits until they end, or is skipped. */
  quietAction: z.enum(QUIET_ACTIONS, { error: `must be one of ${QUIET_ACTIONS.join(', ')}` }).optional(),
  steps: List(PlaybookStepInput, STEPS_MAX).min(1, 'add at least one step'),
};
export const PlaybookBody = z.object({ kind: z.enum(PLAYBOOK_KINDS, { error: `must be one of ${PLAYBOOK_KINDS.join(', ')}` }), ...Fields });
export type PlaybookInput = z.input<typeof PlaybookBody>;
export const PlaybookPatchBody = z.object({
  name: Fields.name.optional(), description: Fields.description, trigger: Fields.trigger, audience: Fields.audience, exits: Fields.exits,
  reentry: Fields.reentry, quietAction: Fields.quietAction, steps: Fields.steps.optional(),
});
export type PlaybookPatch = z.input<typeof PlaybookPatchBody>;

export const PlaybookStep = z.object({
  id: z.number(),
  position: z.number().int(),
  name: z.string(),
  day: z.number().int().nullable(),
  time: z.string().nullable(),
  offsetMinutes: z.number().int().nullable(),
  schedule: StepSchedule.nullable(),
  content: Content,
  delivery: z.enum(STEP_DELIVERIES),
});
export type PlaybookStep = z.input<typeof PlaybookStep>;
export type PlaybookStepOutput = z.output<typeof PlaybookStep>;

const Counts = z.object({ active: z.number().int(), completed: z.number().int(), exited: z.number().int() });
export const Playbook = z.object({
  id: z.number(),
  kind: z.enum(PLAYBOOK_KINDS),
  name: z.string(),
  description: z.string(),
  status: z.enum(PLAYBOOK_STATUSES),
  trigger: PlaybookTrigger.nullable(),
  audience: GroupAudience.nullable(),
  exits: z.array(PlaybookExit),
  reentry: z.enum(REENTRY_POLICIES),
  quietAction: z.enum(QUIET_ACTIONS),
  steps: z.array(PlaybookStep),
  enrolments: Counts,
  activatedAt: DateTime.nullable(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Playbook = z.input<typeof Playbook>;
export type PlaybookOutput = z.output<typeof Playbook>;

export const PlaybookSummary = z.object({
  id: z.number(),
  kind: z.enum(PLAYBOOK_KINDS),
  name: z.string(),
  status: z.enum(PLAYBOOK_STATUSES),
  triggerType: z.enum(TRIGGER_TYPES).nullable(),
  stepCount: z.number().int(),
  enrolments: Counts,
  /** Runs sent, and runs that reached staff (task created or later), in the caller's scope. */
  sent: z.number().int(),
  delivered: z.number().int(),
  updatedAt: DateTime,
});
export const PlaybookList = ItemsOf(PlaybookSummary);
export const PlaybookListQuery = z.object({
  kind: z.enum(PLAYBOOK_KINDS).optional(),
  status: z.enum(PLAYBOOK_STATUSES).optional(),
});
export type PlaybookListQuery = z.input<typeof PlaybookListQuery>;
export const PlaybookIdParams = z.object({ id: RowIdParam });

/** Enrol customers by hand: a list, or a CSV whose first column (or `external_userid` column) holds external_userids. */
export const ENROL_MAX = 10_000;
export const EnrolBody = z.object({
  externalUserids: List(ExternalUserid, ENROL_MAX).optional(),
  csv: Text(2_000_000).optional().describe(`a CSV of at most ${ENROL_MAX} rows: external_userid in the first column or a column of that name`),
  /** The staff member who carries out the steps; default the customer's latest relation. */
  ownerUserid: Userid.optional(),
});
export type EnrolInput = z.input<typeof EnrolBody>;
export const ENROL_SKIPS = ['not_found', 'no_relation', 'already_enrolled', 'not_again'] as const;
export const EnrolResult = z.object({
  enrolled: z.number().int(),
  skippedCount: z.number().int(),
  /** The first 100 skipped, with the reason. */
  skipped: z.array(z.object({ externalUserid: z.string(), reason: z.enum(ENROL_SKIPS) })),
});
export type EnrolResult = z.input<typeof EnrolResult>;

export const ExitBody = z.object({ externalUserids: List(ExternalUserid, ENROL_MAX).min(1, 'name at least one customer') });
export const ExitResult = z.object({ exited: z.number().int() });

export const Enrolment = z.object({
  id: z.number(),
  externalUserid: z.string(),
  customerName: z.string().nullable(),
  ownerUserid: z.string(),
  ownerName: z.string().nullable(),
  status: z.enum(ENROLMENT_STATUSES),
  source: z.enum(ENROLMENT_SOURCES),
  exitReason: z.string().nullable(),
  enrolledAt: DateTime,
  endedAt: DateTime.nullable(),
  /** Runs of this enrolment sent / all. */
  sent: z.number().int(),
  steps: z.number().int(),
});
export const EnrolmentPage = PageOf(Enrolment);
export const EnrolmentQuery = z.object({
  status: z.enum(ENROLMENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type EnrolmentQuery = z.input<typeof EnrolmentQuery>;

export const Run = z.object({
  id: z.number(),
  stepId: z.number(),
  stepName: z.string(),
  delivery: z.enum(STEP_DELIVERIES),
  targetKind: z.enum(['customer', 'group']),
  targetId: z.string(),
  targetName: z.string().nullable(),
  ownerUserid: z.string().nullable(),
  ownerName: z.string().nullable(),
  /** When the step falls due; when it goes out (moved out of quiet hours). */
  dueAt: DateTime,
  sendAt: DateTime.nullable(),
  status: z.enum(RUN_STATUSES),
  reason: z.enum(RUN_REASONS).nullable(),
  /** Sent after its time plus the corp's grace (contact budget: overdueAfterMinutes). */
  late: z.boolean(),
  sentAt: DateTime.nullable(),
  taskId: z.number().nullable(),
});
export type RunOutput = z.output<typeof Run>;
export const RunPage = PageOf(Run);
export const RunQuery = z.object({
  status: z.enum(RUN_STATUSES).optional(),
  stepId: RowIdParam.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type RunQuery = z.input<typeof RunQuery>;

export const UpcomingQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) });
/** The next sends: the next due runs (customer playbooks), or the next calendar occurrences for the groups it targets now. */
export const Upcoming = ItemsOf(Run.pick({
  stepId: true, stepName: true, delivery: true, targetKind: true, targetId: true, targetName: true, ownerUserid: true, ownerName: true,
}).extend({ at: DateTime }));
export type UpcomingOutput = z.output<typeof Upcoming>;

const Funnel = {
  total: z.number().int(),
  pending: z.number().int(),
  planned: z.number().int(),
  taskCreated: z.number().int(),
  sent: z.number().int(),
  late: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  /** Waiting for the staff member (a task or mass send not done yet) or for quiet hours to end. */
  open: z.number().int(),
};
export const PlaybookStats = z.object({
  enrolments: Counts,
  /** Per step: how many runs reached each stage (a sent run also counted in taskCreated and planned). */
  steps: z.array(z.object({
    stepId: z.number(), position: z.number().int(), name: z.string(), delivery: z.enum(STEP_DELIVERIES), ...Funnel,
    reasons: z.array(z.object({ reason: z.enum(RUN_REASONS), count: z.number().int() })),
  })),
  /** Per staff member: runs that reached them, sent (late among them), skipped, failed, still open; completion = sent / reached. */
  staff: z.array(z.object({
    userid: z.string(), name: z.string(), reached: z.number().int(), sent: z.number().int(), late: z.number().int(), open: z.number().int(),
    skipped: z.number().int(), failed: z.number().int(), completion: z.number(),
  })),
});
export type PlaybookStats = z.input<typeof PlaybookStats>;
export type PlaybookStatsOutput = z.output<typeof PlaybookStats>;

/** When the steps would go out: for a customer enrolled at `from` (default now), or a group calendar's next occurrences. */
export const SchedulePreviewBody = z.object({
  kind: z.enum(PLAYBOOK_KINDS, { error: `must be one of ${PLAYBOOK_KINDS.join(', ')}` }),
  steps: List(PlaybookStepInput.omit({ content: true }).extend({ content: ContentInput.optional() }), STEPS_MAX),
  from: z.iso.datetime({ offset: true, message: 'must be an ISO date-time with offset' }).optional(),
  limit: Int4(1, 100).default(20),
});
export type SchedulePreviewInput = z.input<typeof SchedulePreviewBody>;
export const SchedulePreview = ItemsOf(z.object({ stepIndex: z.number().int(), name: z.string(), at: DateTime, quiet: z.boolean() }));
export type SchedulePreview = z.input<typeof SchedulePreview>;
export type SchedulePreviewOutput = z.output<typeof SchedulePreview>;
