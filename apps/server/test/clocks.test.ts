// Every module's clock is scheduled by the worker at start (defineClock → Queue.scheduleClocks), at the time the
// module says, in the platform's zone; an API-only process schedules nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';

let pond: TestPond;
beforeAll(async () => { pond = await startTestPond(); });
afterAll(async () => { await pond?.close(); });

describe('clocks', () => {
  it('are all scheduled once, each at its own time', async () => {
    const { rows } = await pond.app.pool.query<{ name: string; cron: string; timezone: string }>('SELECT name, cron, timezone FROM pgboss.schedule ORDER BY name');
    expect(Object.fromEntries(rows.map((r) => [r.name, r.cron]))).toEqual({
      'analytics.rollup': '*/10 * * * *', 'archive.purge': '40 3 * * *', 'archive.tick': '* * * * *', 'broadcasts.tick': '* * * * *',
      'checkin.settle': '7 * * * *', 'faq.tick': '* * * * *', 'invites.tick': '* * * * *', 'liveCodes.quota': '* * * * *', 'media.refresh': '17 * * * *',
      'moderation.prune': '23 * * * *', 'moments.tick': '* * * * *', 'offers.expire': '* * * * *', 'playbooks.periodic': '*/10 * * * *',
      'playbooks.tick': '* * * * *', 'referrals.mature': '11 * * * *', 'rewards.issue': '* * * * *', 'segments.roll_windows': '5 0 * * *',
      'staffStats.tick': '*/10 * * * *', 'sync.nightly': '0 3 * * *', 'tasks.tick': '* * * * *',
    });
    expect(new Set(rows.map((r) => r.timezone))).toEqual(new Set(['Asia/Shanghai']));
    // A second start of the worker (a restart) leaves one schedule per clock.
    await pond.app.queue.scheduleClocks();
    expect((await pond.app.pool.query('SELECT count(*)::int AS n FROM pgboss.schedule')).rows[0].n).toBe(rows.length);
  });
});
