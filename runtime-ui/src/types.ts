// The server's answers, typed by the server's own declarations (CONVENTIONS rule 2: one source
// of truth): type-only imports, erased from the bundle.
export type { AppMeta, EntityMeta, EntitySummaryMeta, FieldMeta, ListMeta, OptionMeta } from '../../server/src/api/meta.routes.js';
export type { Label, MenuItem, MenuSection, Stage, Tab } from '../../server/src/generated/metadata.js';

export interface Me {
  id: string;
  login: string;
  fullName: string;
  roles: string[];
  locale: string | null;
}
