// Script library (话术库): folders of saved replies for staff, searched by Chinese words, with {nickname} and
// {staff} filled in for the customer a staff member is talking to.
import { z } from 'zod';
import { DateTime, ExternalUserid, Int4, ItemsOf, RowId, RowIdParam, Userid } from './common';

export const FOLDER_NAME_MAX = 30;
export const SCRIPT_TITLE_MAX = 60;
/** A WeCom text message. */
export const SCRIPT_CONTENT_MAX = 4000;

export const FolderBody = z.object({ name: z.string().trim().min(1, 'is required').max(FOLDER_NAME_MAX), parentId: RowId.nullish(), position: Int4().optional() });
export type FolderInput = z.input<typeof FolderBody>;

export const ScriptFolder = z.object({
  id: z.number(),
  name: z.string(),
  parentId: z.number().nullable(),
  position: z.number().int(),
  /** Scripts in the folder (not its subfolders). */
  scripts: z.number().int(),
});
export type ScriptFolder = z.input<typeof ScriptFolder>;
export const ScriptFolderList = ItemsOf(ScriptFolder);

export const ScriptBody = z.object({
  folderId: RowId.nullish(),
  title: z.string().trim().min(1, 'is required').max(SCRIPT_TITLE_MAX, `must be at most ${SCRIPT_TITLE_MAX} characters`),
  content: z.string().trim().min(1, 'is required').max(SCRIPT_CONTENT_MAX, `must be at most ${SCRIPT_CONTENT_MAX} characters (a WeCom text message)`),
});
export type ScriptInput = z.input<typeof ScriptBody>;
export const ScriptPatchBody = ScriptBody.partial();
export type ScriptPatch = z.input<typeof ScriptPatchBody>;

export const ScriptSearchQuery = z.object({ q: z.string().max(100).optional(), folderId: RowIdParam.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });
export type ScriptSearchQuery = z.input<typeof ScriptSearchQuery>;

/** Whose names fill the placeholders; `userid` defaults to the caller's own staff account. */
export const ScriptRenderQuery = z.object({ externalUserid: ExternalUserid.optional(), userid: Userid.optional() });

export const Script = z.object({
  id: z.number(),
  folderId: z.number().nullable(),
  title: z.string(),
  content: z.string(),
  useCount: z.number().int(),
  createdBy: z.string().nullable(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Script = z.input<typeof Script>;
export type ScriptOutput = z.output<typeof Script>;
export const ScriptList = ItemsOf(Script);

/** The script's text with {nickname} and {staff} filled in. */
export const RenderedScript = z.object({ id: z.number(), text: z.string() });
export type RenderedScript = z.input<typeof RenderedScript>;
