// The answers of the calendar, task, workflow and notification APIs, typed by the server's own
// declarations where it has them (type-only imports, erased from the bundle).
import type { CalendarEvent as ServerEvent } from '../../server/src/calendar/events.js';
export type { InboxItem as NotificationItem, InboxPage as NotificationPage } from '../../server/src/notifications/inbox.js';
export type { InstanceView as ProcessInstance, TaskView as TaskItem } from '../../server/src/workflows/workflows.service.js';

/** An event as GET /api/calendar sends it (the feed's `updatedAt` stays on the server). */
export type CalendarEvent = Omit<ServerEvent, 'updatedAt'>;

export interface CalendarSource {
  entity: string;
  start: string;
  end?: string;
  duration?: string;
}

export interface CalendarInfo {
  name: string;
  label: string;
  categories: Array<{ name: string; label: string; color: string }>;
  sources: CalendarSource[];
}

/** GET /api/workflows: a process of an entity and whether the caller may start it by hand. */
export interface ProcessDefinition {
  process: string;
  label: string;
  entity: string;
  startOn: 'manual' | 'create' | 'update';
  canStart: boolean;
}

export type { ForecastResult } from '../../server/src/reports/forecast.js';
export type { CellFormat as ReportCellFormat, ReportResult, ReportRow } from '../../server/src/reports/report-model.js';
import type { ReportParameter } from '../../server/src/reports/reports.routes.js';

/** GET /api/reports: a report the caller may run and what it takes. */
export interface ReportInfo {
  name: string;
  type: 'planFact' | 'aggregate';
  label: string;
  description: string | null;
  entity: string;
  chart: string | null;
  formats: string[];
  parameters: ReportParameter[];
}

export interface ReportList {
  reports: ReportInfo[];
}

/** GET /api/documents/templates?entity=&id=: the templates of a record's entity. */
export interface DocumentTemplate {
  name: string;
  label: string;
  entity: string;
  applies: boolean;
  attachTo: string | null;
}

/** POST /api/documents/generate. */
export interface GeneratedDocument {
  file: { id: string; name: string; mimeType: string; size: number; url: string };
  record: { entity: string; id: string; version: number };
  template: string;
  locale: string;
  attachedTo: string | null;
}
