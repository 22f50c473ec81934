// Metadata types come from the meta-schema (CONVENTIONS rule 2): type-only imports of the
// generated declarations and of the server's own answers, erased from the bundle.
export type { App, ColorRule, DuplicateRule, Entity, Field, FieldType, Label, ListView, Option, Section, Stage, Tab } from '../../server/src/generated/metadata.js';
export type { ErrorCode, Problem as MetadataProblem } from '../../server/src/errors.js';
export type { StudioFile, StudioFileEntry } from '../../server/src/studio/studio-files.js';
export type { GitChange, GitLogEntry, GitStatus } from '../../server/src/studio/studio-git.js';
export type { PlanChange } from '../../server/src/plan/plan.js';

export interface Me {
  id: string;
  login: string;
  fullName: string;
  roles: string[];
  locale: string | null;
}
export type { AggregateReport, Calendar, CalendarCategory, CalendarSource, Grouping, Measure, Metric, Permission, PlanFactReport, Report, Role, Roles, Scope } from '../../server/src/generated/metadata.js';
