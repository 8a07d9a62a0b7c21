// The seeds' three fission models as paths (裂变路径, issue 14): an operator starts from a template, fills the model's
// steps — each campaign step either a new campaign (made with the path, in one transaction) or an existing campaign of
// the right kind linked to it — and Pond links them to a path whose funnel says how many reached each step and where
// they dropped (ADR 0031).
//   spread  (传播型): poster → invite → reward              (an invite campaign with tiers)
//   product (产品型): paid entry order → check-in → cash-back (a paid check-in challenge with cash-back)
//   service (服务型): landing page → poster → invite → sign-up form → group (an invite campaign, the path's own
//                     landing page and form, and a group live code)
import { z } from 'zod';
import { CampaignBase, MAX_FEN, windowIssue } from './activate';
import { CheckinConfig, checkinConfigIssues } from './checkin';
import { DateTime, Day, HttpUrl, Int4, Int4Param, ItemsOf, List, RequiredText, RowId, RowIdParam, Text } from './common';
import { InviteConfig, inviteConfigIssues } from './invites';

export const FISSION_MODELS = ['spread', 'product', 'service'] as const;
export const FissionModel = z.enum(FISSION_MODELS, { message: `must be one of ${FISSION_MODELS.join(', ')}` });
export type FissionModel = z.infer<typeof FissionModel>;

/** draft (being prepared) → active (its pages open, its campaigns published) ⇄ paused → ended. */
export const FISSION_STATUSES = ['draft', 'active', 'paused', 'ended'] as const;
export const FissionStatus = z.enum(FISSION_STATUSES, { message: `must be one of ${FISSION_STATUSES.join(', ')}` });
export type FissionStatus = z.infer<typeof FissionStatus>;

// ---- the service path's landing page and sign-up form ----

export const FissionLanding = z.object({
  title: RequiredText(60),
  /** A cover image (https, e.g. from the media library). */
  coverUrl: HttpUrl('must be an absolute URL of an image').nullable().default(null),
  /** Plain text; blank lines separate paragraphs. */
  body: Text(5000).default(''),
  /** The button that starts the path (gets the poster). */
  ctaText: RequiredText(20).default('立即参与'),
}).strict();
export type FissionLanding = z.output<typeof FissionLanding>;

export const FORM_FIELD_TYPES = ['name', 'phone', 'select', 'text'] as const;
export const FormFieldType = z.enum(FORM_FIELD_TYPES, { message: `must be one of ${FORM_FIELD_TYPES.join(', ')}` });
/** Most fields a form has, options a select has, characters a text answer may allow. */
export const FORM_LIMITS = { fields: 20, options: 20, optionLength: 40, textMax: 500, nameMax: 40 } as const;
/** A mainland mobile number (11 digits starting 1[3-9]), optionally with +86. */
export const PHONE_PATTERN = /^(?:\+?86[- ]?)?1[3-9]\d{9}$/;

export const FormField = z.object({
  /** The answer's key in submissions and the CSV (letters, digits and _). */
  key: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be 1–32 lowercase letters, digits or _, starting with a letter'),
  label: RequiredText(40),
  type: FormFieldType,
  required: z.boolean().default(true),
  /** select: the choices. */
  options: List(RequiredText(FORM_LIMITS.optionLength), FORM_LIMITS.options).default([]),
  /** text: the longest answer (≤ 500). */
  maxLength: Int4(1, FORM_LIMITS.textMax).default(200),
}).strict();
export type FormField = z.output<typeof FormField>;

export const FissionForm = z.object({
  title: RequiredText(60).default('报名信息'),
  fields: List(FormField, FORM_LIMITS.fields).min(1, 'at least 1 field'),
  /** Credited friends the participant needs before the form opens (0: open once they have their poster). */
  unlockFriends: Int4(0, 100).default(0),
  submitText: RequiredText(20).default('提交报名'),
}).strict();
export type FissionForm = z.output<typeof FissionForm>;

export function formIssues(f: Partial<FissionForm>, ctx: z.RefinementCtx, path: (string | number)[] = ['form']): void {
  const seen = new Set<string>();
  (f.fields ?? []).forEach((x, i) => {
    if (seen.has(x.key)) ctx.addIssue({ code: 'custom', path: [...path, 'fields', i, 'key'], message: 'must differ from the other fields' });
    seen.add(x.key);
    if (x.type === 'select' && x.options.length < 2) ctx.addIssue({ code: 'custom', path: [...path, 'fields', i, 'options'], message: 'a select needs at least 2 options' });
    if (x.type !== 'select' && x.options.length) ctx.addIssue({ code: 'custom', path: [...path, 'fields', i, 'options'], message: 'is only for a select' });
    if (x.type === 'select' && new Set(x.options).size !== x.options.length) ctx.addIssue({ code: 'custom', path: [...path, 'fields', i, 'options'], message: 'must differ from each other' });
  });
}

// ---- creating a path (the wizard's body) ----

/** An existing campaign a step links instead of making a new one (the wizard's 选择已有 Use existing). */
export const CampaignLink = z.object({
  /** The campaign: the caller's corp's, of the step's kind and config, not ended, linked to no other path. */
  campaignId: RowId,
}).strict();
export type CampaignLink = z.output<typeof CampaignLink>;

/** Whether a step's body links an existing campaign (else it is the new campaign's config). */
export const isLink = (step: unknown): step is CampaignLink => typeof step === 'object' && step !== null && 'campaignId' in step;

/**
 * A campaign step: the new campaign's config, or `{ campaignId }` of an existing one. Which one is decided by the
 * `campaignId` key, so a 400 names the field of the one meant (`invite.campaignId`, `invite.tiers`), not the union.
 */
function newOrExisting<C extends z.ZodType>(config: C) {
  const either = z.union([CampaignLink, config]);
  return z.unknown().transform((v, ctx): z.output<typeof either> => {
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is required: a new campaign\'s config, or { campaignId } of an existing one', continue: false });
      return z.NEVER;
    }
    const r = (isLink(v) ? CampaignLink : config).safeParse(v);
    if (r.success) return r.data as z.output<typeof either>;
    // Fatal: the body's own refinements (below) do not run on a step that did not parse.
    for (const issue of r.error.issues) ctx.addIssue({ ...issue, continue: false });
    return z.NEVER;
  }).meta({ anyOf: (z.toJSONSchema(either, { io: 'input', unrepresentable: 'any' }) as { anyOf: unknown[] }).anyOf });
}

/** The step of each model whose campaign may be linked, and the campaign kind it takes. */
export const LINK_STEPS = { spread: 'invite', product: 'checkin', service: 'invite' } as const satisfies Record<FissionModel, 'invite' | 'checkin'>;

/** The path's own fields; its campaigns take the name, window and rules. */
const PathBase = z.object({
  name: RequiredText(60),
  startsAt: DateTime,
  endsAt: DateTime.nullable().default(null),
  rules: Text(2000).default(''),
  budgetTotalFen: CampaignBase.shape.budgetTotalFen,
});

export const CreateFissionPath = z.discriminatedUnion('model', [
  PathBase.extend({ model: z.literal('spread'), invite: newOrExisting(InviteConfig) }).strict(),
  PathBase.extend({
    model: z.literal('product'),
    /** The shop product whose paid order (order webhook) enrols the customer: a new challenge's (a linked one has its own). */
    entry: z.object({ sku: RequiredText(64), priceFen: Int4(1, MAX_FEN), productUrl: HttpUrl().optional() }).strict().optional(),
    checkin: newOrExisting(CheckinConfig),
  }).strict(),
  PathBase.extend({
    model: z.literal('service'),
    landing: FissionLanding,
    invite: newOrExisting(InviteConfig),
    form: FissionForm,
    /** The group live code the path ends at (a group code). */
    groupCodeId: RowId,
  }).strict(),
], { error: 'must be { model: spread | product | service }' }).superRefine((o, ctx) => {
  windowIssue(o, ctx);
  if ((o.model === 'spread' || o.model === 'service') && !isLink(o.invite)) inviteConfigIssues(o.invite, ctx, ['invite']);
  if (o.model === 'product') {
    const c = o.checkin;
    if (isLink(c)) {
      if (o.entry) ctx.addIssue({ code: 'custom', path: ['entry'], message: 'is the linked campaign\'s own: leave it out when linking an existing challenge' });
    } else {
      if (!o.entry) ctx.addIssue({ code: 'custom', path: ['entry'], message: 'is required for a new challenge (the product whose paid order enrols)' });
      checkinConfigIssues(c, ctx, ['checkin']);
      if (c.mode !== 'challenge') ctx.addIssue({ code: 'custom', path: ['checkin', 'mode'], message: 'a product path is a paid challenge (mode challenge)' });
      if (!c.cashback) ctx.addIssue({ code: 'custom', path: ['checkin', 'cashback'], message: 'a product path returns the fee on completion (cashback true)' });
    }
  }
  if (o.model === 'service') {
    formIssues(o.form, ctx);
    if (!isLink(o.invite) && o.invite.rule === 'group') ctx.addIssue({ code: 'custom', path: ['invite', 'rule'], message: 'a service path counts friends who add (add or add_and_stay); its group is the last step' });
  }
});
export type CreateFissionPath = z.output<typeof CreateFissionPath>;

/**
 * What may change after creation: the name and the path's own pages (the campaigns are edited on their own pages); while
 * the path is a draft, which campaign (and group code) a step links — the campaign it linked before is released.
 */
export const UpdateFissionPath = z.object({
  name: RequiredText(60).optional(),
  landing: FissionLanding.optional(),
  form: FissionForm.optional(),
  /** A draft spread or service path: link this invite campaign instead. */
  invite: CampaignLink.optional(),
  /** A draft product path: link this paid check-in challenge instead. */
  checkin: CampaignLink.optional(),
  /** A draft service path: end at this group code instead. */
  groupCodeId: RowId.optional(),
}).strict().superRefine((o, ctx) => { if (o.form) formIssues(o.form, ctx); });
export type UpdateFissionPath = z.output<typeof UpdateFissionPath>;

/** The campaigns a model's step may link (the wizard's select). */
export const FissionEligibleQuery = z.object({ model: FissionModel });

export const FissionEligibleCampaign = z.object({
  id: z.number(),
  kind: z.enum(['invite', 'checkin']),
  name: z.string(),
  status: z.enum(['draft', 'active', 'paused']),
  startsAt: DateTime,
  endsAt: DateTime.nullable(),
  /** Customers who took part so far (before a path's start they are not in its funnel). */
  participants: z.number(),
  /** invite: friends per tier; checkin: the challenge's days, the product's sku and price. */
  summary: z.string(),
});
export const FissionEligible = z.object({
  /** The step the campaigns are for (`invite` or `checkin`). */
  step: z.enum(['invite', 'checkin']),
  items: z.array(FissionEligibleCampaign),
});

export const FissionStatusBody = z.object({ status: FissionStatus }).strict();

export const FissionListQuery = z.object({
  model: FissionModel.optional(),
  limit: Int4Param(1, 100).default(50),
  offset: Int4Param(0, 100_000).default(0),
});

export const FissionIdParams = z.object({ id: RowIdParam });

// ---- answers ----

export const FissionStep = z.object({
  /** visited | poster | invited | unlocked | rewarded | paid | checked_in | completed | cashback | signed_up | joined_group */
  key: z.string(),
  /** People who reached the step. */
  count: z.number(),
  /** People of the previous step who did not reach this one (null for the first step). */
  dropOff: z.number().nullable(),
  /** count ÷ the previous step's count (null for the first step or after an empty one). */
  rate: z.number().nullable(),
});
export type FissionStep = z.infer<typeof FissionStep>;

export const FissionFunnel = z.object({
  steps: z.array(FissionStep),
  /** Per corp day: how many reached each step that day (aligned with `steps`), from the path's first day to today. */
  byDay: z.array(z.object({ day: Day, counts: z.array(z.number()) })),
  /** Figures beside the funnel (friends scanned and credited, rewards issued and their cost, orders and GMV, cash-back paid…). */
  figures: z.record(z.string(), z.number()),
});
export type FissionFunnel = z.infer<typeof FissionFunnel>;

export const FissionPath = z.object({
  id: z.number(),
  model: FissionModel,
  name: z.string(),
  status: FissionStatus,
  startsAt: DateTime,
  endsAt: DateTime.nullable(),
  inviteCampaignId: z.number().nullable(),
  checkinCampaignId: z.number().nullable(),
  groupCodeId: z.number().nullable(),
  landing: FissionLanding.nullable(),
  form: FissionForm.nullable(),
  /** Where customers start: the landing page (service), the invite page (spread) or the check-in page (product). */
  entryUrl: z.string(),
  createdBy: z.string().nullable(),
  createdAt: DateTime,
});
export type FissionPath = z.infer<typeof FissionPath>;

export const FissionPathItem = FissionPath.extend({ steps: z.array(FissionStep) });
export const FissionPathList = ItemsOf(FissionPathItem);
export const FissionPathDetail = FissionPath.extend({ funnel: FissionFunnel });
export type FissionPathDetail = z.infer<typeof FissionPathDetail>;

export const FissionSubmissionsQuery = z.object({
  limit: Int4Param(1, 200).default(50),
  offset: Int4Param(0, 1_000_000).default(0),
});
export const FissionSubmission = z.object({
  id: z.number(),
  externalUserid: z.string(),
  customerName: z.string().nullable(),
  answers: z.record(z.string(), z.string()),
  submittedAt: DateTime,
  /** When they joined a group of the path's group code (null: not yet). */
  joinedGroupAt: DateTime.nullable(),
});
export const FissionSubmissions = ItemsOf(FissionSubmission);

// ---- the customer's page (/c/<corpId>/fission/<id>) ----

export const CustomerFissionView = z.object({
  id: z.number(),
  model: FissionModel,
  name: z.string(),
  open: z.boolean(),
  closedReason: z.string().nullable(),
  landing: FissionLanding.nullable(),
  form: FissionForm.nullable(),
  inviteCampaignId: z.number().nullable(),
  /** The invite campaign's code (a visitor who is not a customer adds through it first). */
  joinUrl: z.string().nullable(),
  me: z.object({
    isCustomer: z.boolean(),
    /** Has their poster (joined the invite campaign). */
    joined: z.boolean(),
    credited: z.number(),
    /** The form is open to them (their poster, and enough friends credited). */
    formUnlocked: z.boolean(),
    submitted: z.boolean(),
    answers: z.record(z.string(), z.string()).nullable(),
    /** After the form: the group live code's page (it shows the group's QR). */
    groupUrl: z.string().nullable(),
  }),
});
export type CustomerFissionView = z.infer<typeof CustomerFissionView>;

/** Answers by field key; each is checked against its field (type, required, options, length) by the server. */
export const FissionSubmitBody = z.object({
  answers: z.record(z.string().max(32, 'must be at most 32 characters'), Text(FORM_LIMITS.textMax))
    .refine((a) => Object.keys(a).length <= FORM_LIMITS.fields, `at most ${FORM_LIMITS.fields} answers`),
}).strict();
export type FissionSubmitBody = z.output<typeof FissionSubmitBody>;
