// The public surface of the FAQ module (keyword answers): other modules and app.ts import only this.
export { faqRoutes } from './routes';
export { FaqService, type AnswererFactory } from './service';
export { JiebaAnswerer, type Answerer, type FaqHit } from './matcher';

import type { ArchiveListener } from '../archive';
import type { FaqService } from './service';
/** The archive listener the composition root registers (`archive.register(faqListener(faq))`). */
export const faqListener = (faq: FaqService): ArchiveListener => faq.listener();
