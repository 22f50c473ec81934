// The BPMN modeler (bpmn-js) for workflows/<name>.bpmn: draw the process, set the cardo:
// attributes in the properties panel, save through the studio files API, and see the server's
// validation problems as markers on the diagram. Loaded lazily (App.tsx): bpmn-js is most of
// this chunk and the rest of the studio does not pay for it.
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import './modeler.css';
import { Alert, App as AntApp, Badge, Button, Empty, List, Space, Spin, Typography } from 'antd';
import Modeler from 'bpmn-js/lib/Modeler';
import { useCallback, useEffect, useRef, useState } from 'react';
import cardoModdle from '../../../server/schema/cardo.json';
import { api, ApiError, fileUrl } from '../api.js';
import { FileHistory } from '../git/FileHistory.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { Entity, Label, MetadataProblem, StudioFile } from '../types.js';
import { problemElementId } from './cardo-attributes.js';
import { PropertiesPanel, type DiagramElement, type Moddle, type Modeling, type PanelContext } from './PropertiesPanel.js';

type Saved = StudioFile & { valid: boolean; problems: MetadataProblem[] };

interface Canvas {
  getRootElement(): DiagramElement;
  addMarker(id: string, marker: string): void;
  removeMarker(id: string, marker: string): void;
  viewbox(box?: Box): { inner: Box; outer: Box };
  scrollToElement(element: DiagramElement): void;
}
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Overlays {
  add(id: string, type: string, overlay: { position: Record<string, number>; html: HTMLElement }): string;
  remove(filter: { type: string }): void;
}
interface EventBus {
  on(event: string, callback: (event: { newSelection?: DiagramElement[]; trigger?: string }) => void): void;
}

const MARKER = 'cardo-problem';

/** Fits the diagram in view, never enlarged, leaving the palette's strip on the left free. */
function fit(canvas: Canvas): void {
  const { inner, outer } = canvas.viewbox();
  if (inner.width === 0 || outer.width === 0) return;
  const left = 110;
  const pad = 24;
  const scale = Math.min((outer.width - left - pad) / inner.width, (outer.height - 2 * pad) / inner.height, 1);
  canvas.viewbox({ x: inner.x - left / scale, y: inner.y - pad / scale, width: outer.width / scale, height: outer.height / scale });
}

/** The pickers' lists: entities with their fields and tabs, roles, workflow names. */
async function loadContext(files: ReadonlyArray<{ path: string; kind: string; name: string }>): Promise<PanelContext> {
  const entities = await Promise.all(
    files
      .filter((f) => f.kind === 'entity')
      .map(async (f) => {
        const file = await api<StudioFile>('GET', fileUrl(f.path)).catch(() => null);
        const entity = (file?.json as Entity | undefined) ?? null;
        return { name: f.name, label: entity?.label ?? ({} as Label), entity };
      }),
  );
  const roles = await api<StudioFile>('GET', fileUrl('roles.json')).catch(() => null);
  const roleList = ((roles?.json as { roles?: Array<{ name: string; label: Label }> } | undefined)?.roles ?? []).map((r) => ({ name: r.name, label: r.label }));
  return { entities, roles: roleList, workflows: files.filter((f) => f.kind === 'workflow').map((f) => f.name) };
}

let contextCache: { files: unknown; context: Promise<PanelContext> } | null = null;

export function WorkflowModeler({ name }: { name: string }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const { files } = useSession();
  const path = `workflows/${name}.bpmn`;
  const container = useRef<HTMLDivElement>(null);
  const modeler = useRef<Modeler | null>(null);
  const marked = useRef<string[]>([]);
  const [etag, setEtag] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [problems, setProblems] = useState<MetadataProblem[]>([]);
  const [allProblems, setAllProblems] = useState<number | null>(null);
  // Saves done since the file was opened: the verdict of the latest carries its number.
  const [saves, setSaves] = useState(0);
  const [selected, setSelected] = useState<DiagramElement | null>(null);
  const [dirty, setDirty] = useState(false);
  const [canUndo, setCanUndo] = useState(false);
  const [saving, setSaving] = useState(false);
  const [context, setContext] = useState<PanelContext | null>(null);
  // Bumped on every change of the diagram, so the panel re-reads the business object.
  const [, setVersion] = useState(0);

  const service = <T,>(name: string): T => (modeler.current as Modeler).get<T>(name);

  const select = useCallback((id: string) => {
    const m = modeler.current;
    const element = m?.get<{ get(id: string): DiagramElement | undefined }>('elementRegistry').get(id);
    if (!m || !element) return;
    m.get<{ select(e: DiagramElement): void }>('selection').select(element);
    if (element !== m.get<Canvas>('canvas').getRootElement()) m.get<Canvas>('canvas').scrollToElement(element);
  }, []);

  /** Marks the elements the server's problems point at, with a badge that tells what is wrong. */
  const drawProblems = useCallback(
    (list: readonly MetadataProblem[]) => {
      const m = modeler.current;
      if (!m) return;
      const canvas = m.get<Canvas>('canvas');
      const overlays = m.get<Overlays>('overlays');
      const registry = m.get<{ get(id: string): DiagramElement | undefined }>('elementRegistry');
      overlays.remove({ type: MARKER });
      for (const id of marked.current) if (registry.get(id)) canvas.removeMarker(id, MARKER);
      marked.current = [];
      const byElement = new Map<string, string[]>();
      for (const p of list) {
        const id = problemElementId(p.pointer);
        if (id && registry.get(id)) byElement.set(id, [...(byElement.get(id) ?? []), p.message]);
      }
      const root = canvas.getRootElement();
      for (const [id, messages] of byElement) {
        canvas.addMarker(id, MARKER);
        marked.current.push(id);
        if (registry.get(id) === root) continue;
        const badge = document.createElement('div');
        badge.className = 'cardo-problem-badge';
        badge.textContent = String(messages.length);
        badge.title = messages.join('\n');
        badge.dataset.testid = `problem-badge-${id}`;
        badge.addEventListener('click', () => select(id));
        overlays.add(id, MARKER, { position: { top: -10, right: 10 }, html: badge });
      }
    },
    [select],
  );

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const file = await api<StudioFile & { problems: MetadataProblem[] }>('GET', fileUrl(path));
      const m = modeler.current;
      if (!m) return;
      const { warnings: importWarnings } = await m.importXML(file.content ?? '');
      setWarnings(importWarnings.map((w) => (w as { message?: string }).message ?? String(w)));
      fit(m.get<Canvas>('canvas'));
      setEtag(file.etag);
      setProblems(file.problems);
      setAllProblems(null);
      setDirty(false);
      setSelected(m.get<Canvas>('canvas').getRootElement());
      drawProblems(file.problems);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  }, [path, drawProblems]);

  useEffect(() => {
    if (!container.current) return;
    const m = new Modeler({ container: container.current, moddleExtensions: { cardo: cardoModdle } });
    modeler.current = m;
    const bus = m.get<EventBus>('eventBus');
    bus.on('selection.changed', (e) => setSelected(e.newSelection?.length === 1 ? (e.newSelection[0] as DiagramElement) : m.get<Canvas>('canvas').getRootElement()));
    bus.on('elements.changed', () => setVersion((v) => v + 1));
    // Importing clears the stack ("clear"); any other change is an edit not saved yet.
    bus.on('commandStack.changed', (e) => {
      if (e.trigger !== 'clear') setDirty(true);
      setCanUndo(m.get<{ canUndo(): boolean }>('commandStack').canUndo());
    });
    void load();
    return () => {
      m.destroy();
      modeler.current = null;
    };
  }, [load]);

  useEffect(() => {
    let live = true;
    // One read of the pickers' files per file tree, shared by the workflows opened in turn.
    if (contextCache?.files !== files) contextCache = { files, context: loadContext(files) };
    void contextCache.context.then((c) => live && setContext(c));
    return () => {
      live = false;
    };
  }, [files]);

  const save = async () => {
    const m = modeler.current;
    if (!m) return;
    setSaving(true);
    setError(null);
    setAllProblems(null);
    try {
      const { xml } = await m.saveXML({ format: true });
      const saved = await api<Saved>('PUT', fileUrl(path), { content: xml }, etag ? { 'if-match': etag } : {});
      const mine = saved.problems.filter((p) => p.file === path);
      setEtag(saved.etag);
      setProblems(mine);
      setAllProblems(saved.problems.length);
      setSaves((n) => n + 1);
      setDirty(false);
      drawProblems(mine);
      void message.success(t('common.saved'));
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'CARDO_ERR_STUDIO_STALE' ? t('designer.stale') : e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  const undo = () => service<{ undo(): void }>('commandStack').undo();
  const replace = (element: DiagramElement, type: string) => {
    const next = service<{ replaceElement(e: DiagramElement, target: { type: string }): DiagramElement }>('bpmnReplace').replaceElement(element, { type });
    service<{ select(e: DiagramElement): void }>('selection').select(next);
  };

  return (
    <div data-testid="bpmn-modeler" data-name={name}>
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {name} <Typography.Text type="secondary">{path}</Typography.Text>
        </Typography.Title>
        {dirty && <Badge status="warning" text={t('common.unsaved')} />}
        <Button type="primary" onClick={() => void save()} loading={saving} disabled={loading || etag === null} data-testid="bpmn-save">
          {t('common.save')}
        </Button>
        <Button onClick={undo} disabled={!canUndo}>
          {t('bpmn.undo')}
        </Button>
        <Button onClick={() => void load()}>{t('common.reload')}</Button>
        <FileHistory path={path} />
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="bpmn-error" action={<Button onClick={() => void load()}>{t('common.retry')}</Button>} />}
      {warnings.length > 0 && <Alert type="warning" showIcon title={t('bpmn.importWarnings', { count: warnings.length })} description={<ul style={{ margin: 0 }}>{warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>} style={{ marginBottom: 12 }} data-testid="bpmn-import-warnings" />}
      {allProblems !== null && (allProblems === 0 ? <Alert type="success" title={t('designer.valid')} style={{ marginBottom: 12 }} data-testid="bpmn-valid" data-saves={saves} /> : <Alert type="warning" title={t('designer.invalid', { count: allProblems })} style={{ marginBottom: 12 }} data-testid="bpmn-invalid" data-saves={saves} />)}
      <div style={{ display: 'flex', gap: 16, alignItems: 'stretch' }}>
        <Spin spinning={loading} wrapperClassName="cardo-modeler-spin" style={{ flex: 1 }}>
          <div ref={container} className="cardo-modeler-canvas" data-testid="bpmn-canvas" data-ready={!loading && !error ? 'true' : 'false'} />
        </Spin>
        <div style={{ width: 340, flex: 'none', maxHeight: '70vh', overflow: 'auto' }}>
          {!selected || loading ? <Empty description={t('bpmn.selectElement')} /> : !context ? <Spin /> : <PropertiesPanel key={`${selected.id}-${selected.businessObject.$type}`} element={selected} replace={replace} modeling={service<Modeling>('modeling')} moddle={service<Moddle>('moddle')} context={context} />}
        </div>
      </div>
      {problems.length > 0 && (
        <List
          size="small"
          header={<Typography.Text strong>{t('designer.problems')}</Typography.Text>}
          dataSource={problems}
          data-testid="bpmn-problems"
          style={{ marginTop: 12 }}
          renderItem={(p) => {
            const id = problemElementId(p.pointer);
            return (
              <List.Item data-testid="bpmn-problem" data-element={id ?? ''}>
                {id ? (
                  <Button type="link" size="small" onClick={() => select(id)} style={{ padding: 0 }}>
                    {p.pointer}
                  </Button>
                ) : (
                  <code>{p.pointer || path}</code>
                )}{' '}
                {p.message}
              </List.Item>
            );
          }}
        />
      )}
    </div>
  );
}
