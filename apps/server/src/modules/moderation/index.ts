// The public surface of the moderation module (rules, violations, offenders, intercept rules, tier profiles).
export { moderationRoutes } from './routes';
export { ModerationService, DEFAULT_CONFIG, type PlaybookMaker } from './service';
export { checkMessage, compileWords, findPhones, findLinks, findWords, pinyinInitial } from './rules';

import type { ArchiveListener } from '../archive';
import type { ModerationService } from './service';
/** The archive listener the composition root registers (`archive.register(moderationListener(moderation))`). */
export const moderationListener = (moderation: ModerationService): ArchiveListener => moderation.listener();
