// What Pond asks staff to send (a broadcast, a playbook step, a task): text with placeholders and up to 9
// attachments in WeCom's shape. The server checks WeCom's rules field by field (welcome's content rules: bytes,
// attachment payloads); the schemas here give the shape and outer bounds.
import { z } from 'zod';
import { List, Text } from './common';
import { AttachmentInput, WelcomeAttachment } from './welcome';

/** Placeholders filled per recipient: the customer's name, the sending staff member's, the staff member's store. */
export const CONTENT_PLACEHOLDERS = ['nickname', 'staff', 'store'] as const;
export type ContentPlaceholder = (typeof CONTENT_PLACEHOLDERS)[number];

export const ContentInput = z.object({
  text: Text(20_000).optional().describe('≤ 4000 bytes in UTF-8; placeholders {nickname} {staff} {store}'),
  attachments: List(AttachmentInput, 100).optional().describe('at most 9'),
});
export type ContentInput = z.input<typeof ContentInput>;

/** Content as stored and sent. */
export const Content = z.object({ text: z.string(), attachments: z.array(WelcomeAttachment) });
export type Content = z.output<typeof Content>;

/** One `sendChatMessage` call of the WeCom JS-SDK, as the sidebar and the task page make it. */
export const ChatMessage = z.discriminatedUnion('msgtype', [
  z.object({ msgtype: z.literal('text'), text: z.object({ content: z.string() }) }),
  z.object({ msgtype: z.literal('image'), image: z.object({ mediaid: z.string() }) }),
  z.object({ msgtype: z.literal('news'), news: z.object({ link: z.string(), title: z.string(), desc: z.string(), imgUrl: z.string() }) }),
  z.object({ msgtype: z.literal('miniprogram'), miniprogram: z.object({ appid: z.string(), title: z.string(), imgUrl: z.string(), page: z.string() }) }),
  z.object({ msgtype: z.literal('video'), video: z.object({ mediaid: z.string() }) }),
  z.object({ msgtype: z.literal('file'), file: z.object({ mediaid: z.string() }) }),
]);
export type ChatMessage = z.output<typeof ChatMessage>;
