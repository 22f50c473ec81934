// The entities and fields an editor offers: the application's entity files and the built-in
// sys_* entities, each with the system fields every record has.
import { useEffect, useState } from 'react';
import { SYSTEM_ENTITIES } from '../../../server/src/metadata/system-entities.js';
import { api, fileUrl } from '../api.js';
import type { ConditionField } from '../condition/ConditionBuilder.js';
import { SYSTEM_FIELDS } from '../entity/entity-edit.js';
import { useSession } from '../session.js';
import type { Entity, StudioFile } from '../types.js';

export const SYSTEM_ENTITY_NAMES: readonly string[] = SYSTEM_ENTITIES.map((e) => e.name);

/** Every entity name a file may refer to: the application's first, then the built-in ones. */
export function useEntityNames(): string[] {
  const { files } = useSession();
  return [...files.filter((f) => f.kind === 'entity').map((f) => f.name), ...SYSTEM_ENTITY_NAMES];
}

export const DATE_TYPES: ReadonlySet<string> = new Set(['date', 'datetime']);
export const NUMERIC_TYPES: ReadonlySet<string> = new Set(['integer', 'decimal', 'money', 'percent']);

/** The fields a condition on the entity's records can test: stored ones (a stage field with its stages as options), then the system fields. */
export function conditionFieldsOf(entity: Pick<Entity, 'fields' | 'stages'>): ConditionField[] {
  const stages = entity.stages?.map((s) => ({ value: s.value, label: s.label }));
  const own = entity.fields.filter((f) => f.type !== 'formula' || f.stored).map((f) => (f.type === 'stage' && stages ? { ...f, options: stages } : f));
  return [...own, ...SYSTEM_FIELDS.filter((s) => !own.some((f) => f.name === s.name))];
}

/** The fields of one entity (see conditionFieldsOf); empty while loading or when it does not exist. */
export function useEntityFields(name: string | undefined): ConditionField[] {
  const [fields, setFields] = useState<ConditionField[]>([]);
  useEffect(() => {
    let live = true;
    setFields([]);
    if (!name) return;
    const builtIn = SYSTEM_ENTITIES.find((e) => e.name === name);
    const entity: Promise<Pick<Entity, 'fields' | 'stages'>> = builtIn ? Promise.resolve(builtIn) : api<StudioFile>('GET', fileUrl(`entities/${name}.json`)).then((f) => (f.json as Entity | undefined) ?? { fields: [] });
    entity.then(
      (e) => live && setFields(conditionFieldsOf({ fields: e.fields ?? [], stages: e.stages })),
      () => live && setFields([]),
    );
    return () => {
      live = false;
    };
  }, [name]);
  return fields;
}
