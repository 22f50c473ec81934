import type { Entity, Field } from '../generated/metadata.js';
import { SYSTEM_ENTITIES, SYSTEM_FIELDS } from './system-entities.js';

export type PathResolution =
  | { ok: true; field: Field; entity: Entity; opaque?: false }
  /** The path leads into an entity whose file could not be read: nothing more can be said. */
  | { ok: true; opaque: true }
  | { ok: false; code: 'CARDO_ERR_META_UNKNOWN_FIELD' | 'CARDO_ERR_META_NOT_A_REFERENCE'; message: string };

/** Entities by name (application and system) with their fields, system fields included. */
export class EntityIndex {
  readonly entities = new Map<string, Entity>();
  private readonly fields = new Map<string, Map<string, Field>>();
  /** Entities whose files exist but could not be parsed: references to them are not errors. */
  readonly opaque: ReadonlySet<string>;

  constructor(appEntities: readonly Entity[], opaque: readonly string[] = []) {
    this.opaque = new Set(opaque.filter((name) => !appEntities.some((e) => e.name === name)));
    for (const entity of [...SYSTEM_ENTITIES, ...appEntities]) {
      if (this.entities.has(entity.name)) continue; // a clash is reported by the validator
      this.entities.set(entity.name, entity);
      const fields = new Map<string, Field>(SYSTEM_FIELDS.map((f) => [f.name, f]));
      for (const field of entity.fields) if (!fields.has(field.name)) fields.set(field.name, field);
      this.fields.set(entity.name, fields);
    }
  }

  has(entity: string): boolean {
    return this.entities.has(entity) || this.opaque.has(entity);
  }

  field(entity: string, name: string): Field | undefined {
    return this.fields.get(entity)?.get(name);
  }

  /** The entity a reference or user field points to. */
  targetOf(field: Field): string | undefined {
    if (field.type === 'user') return 'sys_user';
    if (field.type === 'reference') return field.target;
    return undefined;
  }

  /** Follows a dot path such as counterparty.owner.fullName from an entity. */
  resolve(entityName: string, path: string): PathResolution {
    let entity = this.entities.get(entityName);
    let current = entityName;
    const segments = path.split('.');
    for (let i = 0; i < segments.length; i++) {
      if (this.opaque.has(current)) return { ok: true, opaque: true };
      const segment = segments[i] as string;
      const field = entity ? this.field(entity.name, segment) : undefined;
      if (!entity || !field) {
        const where = entity ? `entity "${entity.name}"` : 'the referenced entity';
        return { ok: false, code: 'CARDO_ERR_META_UNKNOWN_FIELD', message: `"${path}": ${where} has no field "${segment}".` };
      }
      if (i === segments.length - 1) return { ok: true, field, entity };
      const target = this.targetOf(field);
      if (!target) {
        return { ok: false, code: 'CARDO_ERR_META_NOT_A_REFERENCE', message: `"${path}": "${segment}" is a ${field.type} field, not a reference, so it has no fields.` };
      }
      // A reference to a missing entity is reported where it is declared; past it, nothing is known.
      if (!this.entities.has(target)) return { ok: true, opaque: true };
      entity = this.entities.get(target);
      current = target;
    }
    return { ok: false, code: 'CARDO_ERR_META_UNKNOWN_FIELD', message: `"${path}" is empty.` };
  }
}

/** The stage values of an entity, for its stage field. */
export function stageValues(entity: Entity): string[] {
  return (entity.stages ?? []).map((s) => s.value);
}
