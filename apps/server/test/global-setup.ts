// Tests use the Postgres server in DATABASE_URL (CI) or, without it, one embedded Postgres for the
// whole run; each test file then creates its own database (see helpers.ts).
import type { TestProject } from 'vitest/node';
import { createLogger } from '../src/platform/log';
import { startEmbeddedPostgres, type EmbeddedHandle } from '../src/platform/db';

let embedded: EmbeddedHandle | undefined;

export async function setup(project: TestProject) {
  let url = process.env.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres('data/test', createLogger('warn', false));
    url = embedded.url;
  }
  process.env.POND_TEST_DATABASE_URL = url;
  project.provide('databaseUrl', url);
}

export async function teardown() {
  await embedded?.stop();
}
import './helpers';
