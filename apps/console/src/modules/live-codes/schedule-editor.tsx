// Working hours of a staff code: weekly slots per weekday plus dated exceptions (closed, or their
// own slots). No schedule at all means "always open". Slots end exclusive and cannot cross
// midnight; an end of 23:59 is sent as 24:00 so "until midnight" is one slot.
import { CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, DatePicker, Flex, Radio, Switch, TimePicker, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { TimeZoneSelect } from '../../components/time-zone-select';
import { timeZone, todayInZone } from '../../lib/format';
import type { Slot, WorkSchedule } from './hooks';

/** Monday first, as Chinese calendars show the week; WeCom's day numbers stay 0 = Sunday. */
const DAY_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;
const WORKDAYS = [1, 2, 3, 4, 5];
const DEFAULT_SLOT: Slot = { start: '09:00', end: '21:00' };

export function defaultSchedule(): WorkSchedule {
  return { timezone: timeZone(), weekly: DAY_ORDER.map((day) => ({ day, ...DEFAULT_SLOT })), exceptions: [] };
}

const toDayjs = (hhmm: string): Dayjs => dayjs(`2000-01-01T${hhmm === '24:00' ? '23:59' : hhmm}`);
const fromDayjs = (d: Dayjs, end: boolean): string => {
  const text = d.format('HH:mm');
  return end && text === '23:59' ? '24:00' : text;
};
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The first problem with a schedule, in the console's words; null when it can be saved. */
export function scheduleProblem(s: WorkSchedule | null | undefined, t: TFunction<readonly ['liveCodes', 'common']>): string | null {
  if (!s) return null;
  const bad = (x: Slot) => minutes(x.end) <= minutes(x.start);
  for (const w of s.weekly) if (bad(w)) return t('schedule.slotOrder', { day: t(`schedule.days.${String(w.day) as '0'}`) });
  for (const e of s.exceptions) {
    if (!e.date) return t('schedule.exceptionNoDate');
    if (!e.closed && !(e.slots?.length)) return t('schedule.exceptionNoSlot', { date: e.date });
    for (const x of e.slots ?? []) if (!e.closed && bad(x)) return t('schedule.slotOrder', { day: e.date });
  }
  return null;
}

interface Props {
  value?: WorkSchedule | null;
  onChange?: (value: WorkSchedule | null) => void;
}

export function ScheduleEditor({ value, onChange }: Props) {
  const { t } = useTranslation(['liveCodes', 'common']);
  const schedule = value ?? null;
  const set = (next: WorkSchedule) => onChange?.(next);

  if (!schedule) {
    return (
      <Flex align="center" gap={8}>
        <Switch checked={false} onChange={() => set(defaultSchedule())} data-testid="schedule-switch" />
        <Typography.Text type="secondary">{t('schedule.alwaysOpen')}</Typography.Text>
      </Flex>
    );
  }

  const daySlots = (day: number) => schedule.weekly.filter((w) => w.day === day).map(({ start, end }) => ({ start, end }));
  const setDay = (day: number, slots: Slot[]) => {
    const weekly = DAY_ORDER.flatMap((d) => (d === day ? slots : daySlots(d)).map((s) => ({ day: d, ...s })));
    set({ ...schedule, weekly });
  };
  const copyToDays = (from: number, days: readonly number[]) => {
    const slots = daySlots(from);
    set({ ...schedule, weekly: DAY_ORDER.flatMap((d) => (days.includes(d) ? slots : daySlots(d)).map((s) => ({ day: d, ...s }))) });
  };
  const setException = (i: number, patch: Partial<WorkSchedule['exceptions'][number]>) =>
    set({ ...schedule, exceptions: schedule.exceptions.map((e, j) => (j === i ? { ...e, ...patch } : e)) });

  return (
    <Flex vertical gap={12} data-testid="schedule-editor">
      <Flex align="center" gap={12} wrap>
        <Switch checked onChange={() => onChange?.(null)} data-testid="schedule-switch" />
        <Typography.Text>{t('schedule.limited')}</Typography.Text>
        <TimeZoneSelect
          size="small"
          value={schedule.timezone}
          onChange={(timezone) => set({ ...schedule, timezone })}
          style={{ width: 200 }}
          aria-label={t('schedule.timezone')}
        />
      </Flex>
      <div className="pond-schedule">
        {DAY_ORDER.map((day) => {
          const slots = daySlots(day);
          return (
            <Flex key={day} align="flex-start" gap={12} className="pond-schedule-row">
              <Typography.Text strong style={{ width: 56, flex: 'none', lineHeight: '24px' }}>
                {t(`schedule.days.${day}`)}
              </Typography.Text>
              <SlotList slots={slots} onChange={(next) => setDay(day, next)} emptyText={t('schedule.dayOff')} />
              <Flex gap={4} style={{ flex: 'none' }}>
                {day === 1 ? (
                  <>
                    <Button size="small" type="link" onClick={() => copyToDays(1, WORKDAYS)}>
                      {t('schedule.copyWorkdays')}
                    </Button>
                    <Button size="small" type="link" onClick={() => copyToDays(1, DAY_ORDER)}>
                      {t('schedule.copyAll')}
                    </Button>
                  </>
                ) : null}
              </Flex>
            </Flex>
          );
        })}
      </div>
      <div>
        <Typography.Text strong>{t('schedule.exceptions')}</Typography.Text>
        <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
          {t('schedule.exceptionsHelp')}
        </Typography.Text>
      </div>
      {schedule.exceptions.map((e, i) => (
        <Flex key={i} align="flex-start" gap={12} wrap className="pond-schedule-row" data-testid="schedule-exception">
          <DatePicker
            value={e.date ? dayjs(e.date) : null}
            onChange={(d) => setException(i, { date: d ? d.format('YYYY-MM-DD') : '' })}
            style={{ width: 150 }}
            allowClear={false}
          />
          <Radio.Group
            value={e.closed ? 'closed' : 'slots'}
            onChange={(ev) =>
              setException(i, ev.target.value === 'closed' ? { closed: true, slots: undefined } : { closed: undefined, slots: e.slots?.length ? e.slots : [DEFAULT_SLOT] })
            }
            optionType="button"
            size="middle"
            options={[
              { value: 'closed', label: t('schedule.closed') },
              { value: 'slots', label: t('schedule.specialHours') },
            ]}
          />
          {e.closed ? null : <SlotList slots={e.slots ?? []} onChange={(slots) => setException(i, { slots })} emptyText={t('schedule.dayOff')} />}
          <Button
            type="text"
            danger
            icon={<CloseOutlined />}
            aria-label={t('common:delete')}
            onClick={() => set({ ...schedule, exceptions: schedule.exceptions.filter((_, j) => j !== i) })}
          />
        </Flex>
      ))}
      <div>
        <Button
          icon={<PlusOutlined />}
          onClick={() => set({ ...schedule, exceptions: [...schedule.exceptions, { date: todayInZone().add(1, 'day').format('YYYY-MM-DD'), closed: true }] })}
        >
          {t('schedule.addException')}
        </Button>
      </div>
    </Flex>
  );
}

/** A new slot after the last one when there is room before midnight, else a midday break. */
function nextSlot(slots: Slot[]): Slot {
  const last = slots[slots.length - 1];
  if (!last) return DEFAULT_SLOT;
  return minutes(last.end) <= 22 * 60 ? { start: last.end, end: '24:00' } : { start: '12:00', end: '14:00' };
}

function SlotList({ slots, onChange, emptyText }: { slots: Slot[]; onChange: (slots: Slot[]) => void; emptyText: string }) {
  const { t } = useTranslation(['liveCodes', 'common']);
  return (
    <Flex gap={8} wrap align="center" style={{ flex: 1, minWidth: 0 }}>
      {slots.length === 0 ? <Typography.Text type="secondary">{emptyText}</Typography.Text> : null}
      {slots.map((slot, i) => (
        <Flex key={i} align="center" gap={2}>
          <TimePicker.RangePicker
            format="HH:mm"
            size="small"
            allowClear={false}
            needConfirm={false}
            order={false}
            value={[toDayjs(slot.start), toDayjs(slot.end)]}
            onChange={(range) => {
              if (!range?.[0] || !range[1]) return;
              onChange(slots.map((s, j) => (j === i ? { start: fromDayjs(range[0]!, false), end: fromDayjs(range[1]!, true) } : s)));
            }}
            status={minutes(slot.end) <= minutes(slot.start) ? 'error' : undefined}
            style={{ width: 150 }}
          />
          <Button type="text" size="small" icon={<CloseOutlined />} aria-label={t('common:delete')} onClick={() => onChange(slots.filter((_, j) => j !== i))} />
        </Flex>
      ))}
      <Button
        size="small"
        type="dashed"
        icon={<PlusOutlined />}
        onClick={() => onChange([...slots, nextSlot(slots)])}
      >
        {t('schedule.addSlot')}
      </Button>
    </Flex>
  );
}
