// The chat archive module's public surface.
export type { ArchiveListener, StoredMessage } from './listener';
