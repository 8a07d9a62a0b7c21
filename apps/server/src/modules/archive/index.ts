// The chat archive module's public surface.
export type { ArchiveListener, StoredMessage } from './listener';
export { ArchiveIngest, MAX_BATCH } from './ingest';
export { ArchiveService } from './service';
export { ArchiveSettingsService } from './settings';
export { archiveRoutes } from './routes';
export { segmentWords, queryWords } from './segment';
export { normalise } from './normalise';
export { sidecarSource, type ArchiveSource, type ChatDataItem } from './source';
