// The calendar (/calendar, /calendar/:name): month, week, day and agenda views of GET
// /api/calendar, categories toggled with their colors, a click opens the record, a click on a
// free slot opens a new record of the calendar's source there, a drag moves the record.
// Days and times are those of the app's time zone (calendar-model.ts), whatever the browser's.
import { LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, App, Button, Empty, Flex, Segmented, Space, Tag, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState, type CSSProperties, type DragEvent, type ReactNode } from 'react';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, ApiError, query, type ApiRecord } from '../api.js';
import { days, endOf, eventsOn, isView, layoutDay, movePatch, onOtherDay, rangeOf, SLOT_MINUTES, sourceOf, startOf, step, toZoned, VIEWS, weekStartOf, zoneOf, type CalendarView } from '../calendar/calendar-model.js';
import { useLoad } from '../card/use-load.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { ErrorState, Loading } from '../states.js';
import type { CalendarEvent, CalendarInfo, CalendarSource } from '../work-types.js';

const HIDDEN_KEY = 'cardo.calendar.hidden';
const HOUR_PX = 44;
const PX_PER_MINUTE = HOUR_PX / 60;
const MONTH_VISIBLE = 3;

function loadHidden(): Set<string> {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(HIDDEN_KEY) ?? '[]');
    return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  } catch {
    return new Set();
  }
}

function timeText(event: CalendarEvent): string {
  return event.allDay ? '' : startOf(event).format('HH:mm');
}

interface EventProps {
  event: CalendarEvent;
  style?: CSSProperties;
  compact?: boolean;
  onOpen(event: CalendarEvent): void;
  onDragStart(event: CalendarEvent): void;
  label(category: string): string;
}

function EventChip({ event, style, compact, onOpen, onDragStart, label }: EventProps) {
  return (
    <Tooltip title={`${timeText(event)} ${event.title} · ${label(event.category)}`.trim()} mouseEnterDelay={0.6}>
      <div
        role="button"
        tabIndex={0}
        draggable
        data-testid="calendar-event"
        data-event-id={event.id}
        data-category={event.category}
        onDragStart={(e) => {
          e.dataTransfer.setData('text/plain', event.id);
          e.dataTransfer.effectAllowed = 'move';
          onDragStart(event);
        }}
        onClick={(e) => {
          e.stopPropagation();
          onOpen(event);
        }}
        onKeyDown={(e) => e.key === 'Enter' && onOpen(event)}
        style={{
          background: event.color,
          color: '#fff',
          borderRadius: 3,
          padding: '1px 4px',
          fontSize: 12,
          lineHeight: '18px',
          cursor: 'pointer',
          overflow: 'hidden',
          whiteSpace: compact ? 'nowrap' : 'normal',
          textOverflow: 'ellipsis',
          ...style,
        }}
      >
        {!event.allDay && <strong style={{ marginRight: 4 }}>{timeText(event)}</strong>}
        {event.title}
      </div>
    </Tooltip>
  );
}

interface GridProps {
  view: CalendarView;
  from: Dayjs;
  to: Dayjs;
  /** Today's midnight in the app's zone. */
  today: Dayjs;
  /** With wall-clock times of the app's zone (toZoned). */
  events: CalendarEvent[];
  canCreate: boolean;
  onOpen(event: CalendarEvent): void;
  onCreate(at: Dayjs, allDay: boolean): void;
  onMove(event: CalendarEvent, start: Dayjs): void;
  onDay(day: Dayjs): void;
  label(category: string): string;
}

function useDrag() {
  const dragged = useRef<CalendarEvent | undefined>(undefined);
  return {
    start: (event: CalendarEvent) => {
      dragged.current = event;
    },
    take: (): CalendarEvent | undefined => {
      const event = dragged.current;
      dragged.current = undefined;
      return event;
    },
  };
}

function allowDrop(e: DragEvent) {
  e.preventDefault();
  e.dataTransfer.dropEffect = 'move';
}

function MonthGrid({ from, to, today, events, canCreate, onOpen, onCreate, onMove, onDay, label }: GridProps) {
  const { t } = useI18n();
  const drag = useDrag();
  const all = days(from, to);
  const month = all[15]?.month();
  return (
    <div data-testid="calendar-month">
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(7, 1fr)', borderLeft: '1px solid #f0f0f0', borderTop: '1px solid #f0f0f0' }}>
        {all.slice(0, 7).map((d) => (
          <div key={`h${d.day()}`} style={{ padding: 4, fontWeight: 600, fontSize: 12, borderRight: '1px solid #f0f0f0', borderBottom: '1px solid #f0f0f0', background: '#fafafa' }}>
            {d.format('dd')}
          </div>
        ))}
        {all.map((d) => {
          const list = eventsOn(events, d);
          const key = d.format('YYYY-MM-DD');
          return (
            <div
              key={key}
              data-testid={`calendar-day-${key}`}
              onDragOver={allowDrop}
              onDrop={(e) => {
                e.preventDefault();
                const event = drag.take();
                if (event) onMove(event, onOtherDay(event, d));
              }}
              className="cardo-calendar-cell"
              style={{ minHeight: 110, padding: 4, borderRight: '1px solid #f0f0f0', borderBottom: '1px solid #f0f0f0', background: d.month() === month ? '#fff' : '#fafafa', display: 'flex', flexDirection: 'column', gap: 2 }}
            >
              <Flex justify="space-between" align="center">
                <Typography.Link onClick={() => onDay(d)} style={{ fontSize: 12, fontWeight: d.isSame(today) ? 700 : 400, color: d.isSame(today) ? '#1677ff' : d.month() === month ? undefined : '#bfbfbf' }}>
                  {d.date()}
                </Typography.Link>
                {canCreate && (
                  <Button type="text" size="small" icon={<PlusOutlined />} aria-label={t('list.new')} data-testid={`calendar-create-${key}`} onClick={() => onCreate(d.hour(9), false)} style={{ height: 18, width: 18, minWidth: 18 }} />
                )}
              </Flex>
              {list.slice(0, MONTH_VISIBLE).map((event) => (
                <EventChip key={event.id} event={event} compact onOpen={onOpen} onDragStart={drag.start} label={label} />
              ))}
              {list.length > MONTH_VISIBLE && (
                <Typography.Link style={{ fontSize: 12 }} onClick={() => onDay(d)} data-testid="calendar-more">
                  {t('calendar.more', { count: list.length - MONTH_VISIBLE })}
                </Typography.Link>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function TimeGrid({ from, to, today, events, canCreate, onOpen, onCreate, onMove, label }: GridProps) {
  const { t } = useI18n();
  const drag = useDrag();
  const scroller = useRef<HTMLDivElement>(null);
  const columns = days(from, to);
  useEffect(() => {
    // Open at the working day's start; earlier hours stay a scroll away.
    if (scroller.current) scroller.current.scrollTop = 8 * HOUR_PX;
  }, []);
  const minuteAt = (e: { clientY: number; currentTarget: HTMLElement }) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const minute = Math.floor((e.clientY - rect.top) / PX_PER_MINUTE / SLOT_MINUTES) * SLOT_MINUTES;
    return Math.min(24 * 60 - SLOT_MINUTES, Math.max(0, minute));
  };
  const template = `56px repeat(${columns.length}, 1fr)`;
  return (
    <div data-testid="calendar-timegrid" style={{ border: '1px solid #f0f0f0' }}>
      <div style={{ display: 'grid', gridTemplateColumns: template, borderBottom: '1px solid #f0f0f0', background: '#fafafa' }}>
        <div />
        {columns.map((d) => (
          <div key={d.format('YYYY-MM-DD')} style={{ padding: 4, fontSize: 12, fontWeight: d.isSame(today) ? 700 : 600, color: d.isSame(today) ? '#1677ff' : undefined, borderLeft: '1px solid #f0f0f0' }}>
            {d.format('dd, D MMM')}
          </div>
        ))}
        <Typography.Text type="secondary" style={{ fontSize: 11, padding: 4 }}>
          {t('calendar.allDay')}
        </Typography.Text>
        {columns.map((d) => (
          <div
            key={`all${d.format('YYYY-MM-DD')}`}
            data-testid={`calendar-allday-${d.format('YYYY-MM-DD')}`}
            onDragOver={allowDrop}
            onDrop={(e) => {
              e.preventDefault();
              const event = drag.take();
              if (event?.allDay) onMove(event, d);
            }}
            style={{ borderLeft: '1px solid #f0f0f0', padding: 2, minHeight: 24, display: 'flex', flexDirection: 'column', gap: 2 }}
          >
            {eventsOn(events, d)
              .filter((e) => e.allDay)
              .map((event) => (
                <EventChip key={event.id} event={event} compact onOpen={onOpen} onDragStart={drag.start} label={label} />
              ))}
          </div>
        ))}
      </div>
      <div ref={scroller} style={{ maxHeight: 620, overflowY: 'auto' }}>
        <div style={{ display: 'grid', gridTemplateColumns: template, position: 'relative' }}>
          <div>
            {Array.from({ length: 24 }, (_, h) => (
              <div key={h} style={{ height: HOUR_PX, fontSize: 11, color: '#8c8c8c', textAlign: 'right', paddingRight: 6, borderTop: '1px solid #f0f0f0' }}>
                {String(h).padStart(2, '0')}:00
              </div>
            ))}
          </div>
          {columns.map((d) => {
            const key = d.format('YYYY-MM-DD');
            return (
              <div
                key={key}
                data-testid={`calendar-column-${key}`}
                title={canCreate ? t('calendar.createHint') : undefined}
                onDragOver={allowDrop}
                onDrop={(e) => {
                  e.preventDefault();
                  const event = drag.take();
                  if (event && !event.allDay) onMove(event, d.add(minuteAt(e), 'minute'));
                }}
                onClick={(e) => canCreate && onCreate(d.add(minuteAt(e), 'minute'), false)}
                style={{
                  position: 'relative',
                  height: 24 * HOUR_PX,
                  borderLeft: '1px solid #f0f0f0',
                  cursor: canCreate ? 'copy' : 'default',
                  background: d.isSame(today) ? '#f6faff' : undefined,
                }}
              >
                {Array.from({ length: 24 }, (_, h) => (
                  <div key={h} style={{ height: HOUR_PX, borderTop: '1px solid #f0f0f0', pointerEvents: 'none' }} />
                ))}
                {layoutDay(events, d).map((box) => (
                  <EventChip
                    key={box.event.id}
                    event={box.event}
                    onOpen={onOpen}
                    onDragStart={drag.start}
                    label={label}
                    style={{ position: 'absolute', top: box.top * PX_PER_MINUTE, height: Math.max(16, (box.bottom - box.top) * PX_PER_MINUTE - 2), left: `calc(${(100 * box.column) / box.columns}% + 2px)`, width: `calc(${100 / box.columns}% - 4px)`, zIndex: 1 }}
                  />
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function Agenda({ from, to, events, onOpen, label }: GridProps) {
  const { t } = useI18n();
  const groups = days(from, to)
    .map((d) => ({ day: d, list: eventsOn(events, d) }))
    .filter((g) => g.list.length > 0);
  if (groups.length === 0) return <Empty description={t('calendar.empty')} data-testid="calendar-empty" />;
  return (
    <div data-testid="calendar-agenda">
      {groups.map(({ day, list }) => (
        <div key={day.format('YYYY-MM-DD')} style={{ marginBottom: 12 }}>
          <Typography.Text strong>{day.format('dddd, D MMMM YYYY')}</Typography.Text>
          {list.map((event) => (
            <Flex key={event.id} gap={12} align="center" style={{ padding: '4px 0', borderBottom: '1px solid #f5f5f5', cursor: 'pointer' }} onClick={() => onOpen(event)} data-testid="calendar-event" data-event-id={event.id} data-category={event.category}>
              <span style={{ width: 110, color: '#595959' }}>{event.allDay ? t('calendar.allDay') : `${startOf(event).format('HH:mm')}–${endOf(event).format('HH:mm')}`}</span>
              <span style={{ width: 10, height: 10, borderRadius: 5, background: event.color, flex: 'none' }} />
              <Typography.Link>{event.title}</Typography.Link>
              <Typography.Text type="secondary">{label(event.category)}</Typography.Text>
            </Flex>
          ))}
        </div>
      ))}
    </div>
  );
}

function rangeTitle(view: CalendarView, from: Dayjs, to: Dayjs, anchor: Dayjs): string {
  const last = to.subtract(1, 'day');
  switch (view) {
    case 'month':
      return anchor.format('MMMM YYYY');
    case 'day':
      return from.format('dddd, D MMMM YYYY');
    default:
      return `${from.format('D MMM')} – ${last.format('D MMM YYYY')}`;
  }
}

export function CalendarPage() {
  const { name } = useParams();
  const i18n = useI18n();
  const { t, locale } = i18n;
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const { message } = App.useApp();
  const [search, setSearch] = useSearchParams();
  const [hidden, setHidden] = useState<Set<string>>(loadHidden);
  const view: CalendarView = isView(search.get('view')) ? (search.get('view') as CalendarView) : 'month';
  const dateParam = search.get('date');
  const zone = useMemo(() => zoneOf(session.meta.app.timezone), [session.meta.app.timezone]);
  const anchor = dateParam && /^\d{4}-\d{2}-\d{2}$/.test(dateParam) && dayjs.utc(dateParam).isValid() ? dayjs.utc(dateParam) : zone.today();
  const weekStart = weekStartOf(locale);
  const { from, to } = rangeOf(view, anchor, weekStart);

  const info = useLoad<{ calendars: CalendarInfo[] }>(`/api/calendar/calendars${query({ locale })}`);
  const shown = useMemo(() => (info.data?.calendars ?? []).filter((c) => !name || c.name === name), [info.data, name]);
  const categories = useMemo(() => shown.flatMap((c) => c.categories), [shown]);
  const enabled = categories.filter((c) => !hidden.has(c.name)).map((c) => c.name);
  const eventsUrl = info.data && enabled.length > 0 ? `/api/calendar${query({ from: zone.instant(from), to: zone.instant(to), categories: enabled.join(','), locale })}` : undefined;
  const events = useLoad<{ events: CalendarEvent[]; truncated?: boolean }>(eventsUrl);
  const sources = useMemo(() => new Map(shown.map((c) => [c.name, c.sources] as const)), [shown]);
  const labels = useMemo(() => new Map(categories.map((c) => [c.name, c.label])), [categories]);
  // A free slot creates a record of the first source with a date-time start the caller can see.
  const createSource: CalendarSource | undefined = shown.flatMap((c) => c.sources).find((s) => session.field(s.entity, s.start)?.valueType === 'datetime' && !session.field(s.entity, s.start)?.readOnly);

  const set = (changes: Record<string, string | undefined>) =>
    setSearch(
      (params) => {
        const next = new URLSearchParams(params);
        for (const [key, value] of Object.entries(changes)) if (value === undefined) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );

  const toggle = (category: string) => {
    const next = new Set(hidden);
    if (next.has(category)) next.delete(category);
    else next.add(category);
    localStorage.setItem(HIDDEN_KEY, JSON.stringify([...next]));
    setHidden(next);
  };

  const open = (event: CalendarEvent) => navigate(`/data/${encodeURIComponent(event.entity)}/${encodeURIComponent(event.recordId)}`);

  const create = (at: Dayjs) => {
    if (!createSource) return;
    const field = session.field(createSource.entity, createSource.start);
    const value = field?.valueType === 'date' ? at.format('YYYY-MM-DD') : zone.instant(at);
    navigate(`/data/${encodeURIComponent(createSource.entity)}/new${query({ [createSource.start]: value, return: `${location.pathname}${location.search}` })}`);
  };

  const move = async (event: CalendarEvent, start: Dayjs) => {
    const source = sourceOf(sources, event);
    if (!source) return;
    const dateFields = new Set([source.start, source.end].filter((f): f is string => !!f && session.field(event.entity, f)?.valueType === 'date'));
    const patch = movePatch(event, source, start, dateFields, zone);
    if (!patch) return;
    const url = `/api/data/${encodeURIComponent(event.entity)}/${encodeURIComponent(event.recordId)}`;
    try {
      const record = await api<ApiRecord>('GET', url);
      await api('PATCH', url, patch, { 'if-match': String(record.version) });
      void message.success(t('calendar.moved', { at: event.allDay ? start.format('DD.MM.YYYY') : start.format('DD.MM.YYYY HH:mm') }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) void message.warning(t('calendar.moveConflict'));
      else void message.error(t('calendar.moveFailed', { reason: e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e) }));
    } finally {
      events.reload();
    }
  };

  if (info.error) return <ErrorState error={info.error} retry={info.reload} />;
  if (!info.data) return <Loading />;
  if (name && shown.length === 0) return <ErrorState error={new ApiError({ status: 404, detail: t('calendar.unknown') })} />;

  const list = toZoned(events.data?.events ?? [], zone);
  const title = name ? (shown[0]?.label ?? name) : t('calendar.title');
  const gridProps: GridProps = {
    view,
    from,
    to,
    today: zone.today(),
    events: list,
    canCreate: !!createSource,
    onOpen: open,
    onCreate: create,
    onMove: (event, start) => void move(event, start),
    onDay: (d) => set({ view: 'day', date: d.format('YYYY-MM-DD') }),
    label: (c) => labels.get(c) ?? c,
  };
  let body: ReactNode;
  if (enabled.length === 0) body = <Empty description={t('calendar.noCategories')} data-testid="calendar-no-categories" />;
  else if (events.error) body = <ErrorState error={events.error} retry={events.reload} />;
  else if (!events.data) body = <Loading />;
  else if (view === 'month') body = <MonthGrid {...gridProps} />;
  else if (view === 'agenda') body = <Agenda {...gridProps} />;
  else body = <TimeGrid key={`${view}${from.valueOf()}`} {...gridProps} />;

  return (
    <div data-testid="calendar-page">
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 12 }}>
        <Space wrap>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          <Button icon={<LeftOutlined />} aria-label={t('calendar.prev')} onClick={() => set({ date: step(view, anchor, -1).format('YYYY-MM-DD') })} data-testid="calendar-prev" />
          <Button onClick={() => set({ date: undefined })} data-testid="calendar-today">
            {t('calendar.today')}
          </Button>
          <Button icon={<RightOutlined />} aria-label={t('calendar.next')} onClick={() => set({ date: step(view, anchor, 1).format('YYYY-MM-DD') })} data-testid="calendar-next" />
          <Typography.Text strong data-testid="calendar-range">
            {rangeTitle(view, from, to, anchor)}
          </Typography.Text>
        </Space>
        <Segmented value={view} onChange={(v) => set({ view: String(v) })} options={VIEWS.map((v) => ({ value: v, label: <span data-testid={`calendar-view-${v}`}>{t(`calendar.view.${v}`)}</span> }))} />
      </Flex>
      <Flex wrap gap={6} align="center" style={{ marginBottom: 12 }} data-testid="calendar-legend">
        <Typography.Text type="secondary">{t('calendar.categories')}:</Typography.Text>
        {categories.map((c) => {
          const on = !hidden.has(c.name);
          return (
            <Tag.CheckableTag
              key={c.name}
              checked={on}
              onChange={() => toggle(c.name)}
              data-testid={`calendar-category-${c.name}`}
              aria-pressed={on}
              style={{ border: `1px solid ${c.color}`, background: on ? c.color : 'transparent', color: on ? '#fff' : c.color }}
            >
              {c.label}
            </Tag.CheckableTag>
          );
        })}
        {createSource && <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 'auto' }}>{t('calendar.createHint')}</Typography.Text>}
      </Flex>
      {events.data?.truncated && <Alert type="warning" showIcon title={t('calendar.truncated')} style={{ marginBottom: 12 }} />}
      {body}
      {events.data && list.length === 0 && view !== 'agenda' && enabled.length > 0 && (
        <Typography.Text type="secondary" data-testid="calendar-empty" style={{ display: 'block', marginTop: 8 }}>
          {t('calendar.empty')}
        </Typography.Text>
      )}
    </div>
  );
}
