// How modules act on archived messages (FAQ answers, moderation, activity numbers): each registers a listener with
// the archive's ingest, which calls it with the messages that were NEW in a batch (stored for the first time), in
// the same transaction that stored them — so a message is acted on exactly once however often a pull is repeated
// after a crash, and an error in a listener rolls the batch back to be pulled again.
import type { ArchivedMessage } from '@pond/contracts/archive';
import type pg from 'pg';

type Db = Pick<pg.PoolClient, 'query'>;

/** A message as stored: the contract's shape plus the row id and the corp. */
export interface StoredMessage extends Omit<ArchivedMessage, 'sentAt'> {
  id: number;
  corpId: string;
  sentAt: Date;
}

export interface ArchiveListener {
  /** For logs and errors. */
  name: string;
  /** New messages of one corp, oldest first. Runs inside the ingest transaction: keep it to SQL, enqueue slow work. */
  onMessages(db: Db, corpId: string, messages: StoredMessage[]): Promise<void>;
  /**
   * A message's file was downloaded and something was found in it (an image's QR code: `payload.qr_text`). Runs in
   * the transaction that stores the file (once per file); may see a message `onMessages` saw before.
   */
  onMedia?(db: Db, corpId: string, messages: StoredMessage[]): Promise<void>;
}
