// The playbooks module put together: the service (routes), the trigger reader and the scheduler, and their jobs —
// `playbooks.tick` every minute (new events, due steps, mass sends read back) and `playbooks.periodic` every ten
// minutes (segment, no-order and date triggers, group calendars, handover sweep). Tests call tick/periodic with their
// own clock.
import { defineClock, EVERY_MINUTE, EVERY_TEN_MINUTES } from '../../platform/queue';
import type { CorpService } from '../org';
import { PlaybookScheduler, type DeliverTotals } from './scheduler';
import { PlaybookService, type PlaybookDeps } from './service';
import { PlaybookTriggers } from './triggers';

export class Playbooks {
  readonly service: PlaybookService;
  readonly triggers: PlaybookTriggers;
  readonly scheduler: PlaybookScheduler;

  readonly tickJob = defineClock('playbooks.tick', EVERY_MINUTE, () => this.tick(new Date()));

  readonly periodicJob = defineClock('playbooks.periodic', EVERY_TEN_MINUTES, () => this.periodic(new Date()), { expireInMinutes: 60 });

  constructor(deps: PlaybookDeps & { corps: Pick<CorpService, 'client'> }) {
    this.service = new PlaybookService(deps);
    this.triggers = new PlaybookTriggers(deps, this.service);
    this.scheduler = new PlaybookScheduler(deps, this.service, deps.corps);
    deps.tasks.onEnd('playbook', (task, status) => this.scheduler.onTaskEnd(task, status));
  }

  /** New events (enrolments, exits, handovers), then the steps due by `now`, then mass sends read back. */
  async tick(now = new Date()): Promise<DeliverTotals & { events: number; enrolled: number; exited: number }> {
    const ev = await this.triggers.readEvents(now);
    const d = await this.scheduler.deliverDue(now);
    await this.scheduler.pollMassSends(now);
    return { ...d, events: ev.events, enrolled: ev.enrolled, exited: ev.exited };
  }

  async periodic(now = new Date()): Promise<{ enrolled: number; groupRuns: number }> {
    const r = await this.triggers.periodic(now);
    await this.scheduler.deliverDue(now);
    return { enrolled: r.enrolled, groupRuns: r.groupRuns };
  }
}
