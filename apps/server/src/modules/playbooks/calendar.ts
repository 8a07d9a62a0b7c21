// Group playbooks' calendar: the runs of the next day's occurrences for every group the playbook targets now (made
// by the periodic pass and at activation; a group that joins a tier gets the occurrences still ahead).
import type pg from 'pg';
import { corpZone } from '../../platform/time';
import * as repo from './repo';
import { occurrencesBetween } from './schedule';

/** Group runs are made this far ahead (the calendar's next sends, and the next pass's margin). */
export const GROUP_HORIZON_MS = 26 * 3_600_000;
/** An occurrence found this late (a group that just joined the tier) still goes out. */
const GROUP_LATE_MS = 15 * 60_000;

/** Runs for a group playbook's calendar occurrences from its activation (or a quarter of an hour ago) to a day ahead. */
export async function materializeGroupRuns(pool: pg.Pool, pb: repo.PlaybookRow, now: Date): Promise<number> {
  if (pb.kind !== 'group' || pb.status !== 'active' || !pb.activated_at) return 0;
  const [steps, tz] = await Promise.all([repo.stepsOf(pool, [pb.id]), corpZone(pool, pb.corp_id)]);
  const from = new Date(Math.max(pb.activated_at.getTime(), now.getTime() - GROUP_LATE_MS));
  const to = new Date(now.getTime() + GROUP_HORIZON_MS);
  const occ = steps.flatMap((s) => (s.schedule ? occurrencesBetween(s.schedule, from, to, tz).map((o) => ({ stepId: s.id, day: o.day, at: o.at, delivery: s.delivery })) : []));
  if (!occ.length) return 0;
  return repo.insertGroupRuns(pool, pb, occ);
}
