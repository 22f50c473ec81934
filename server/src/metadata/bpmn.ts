import { readFileSync } from 'node:fs';
import * as bpmnModdle from 'bpmn-moddle';
import { SCHEMA_DIR } from './meta-schema.js';

/** The few parts of a moddle element Cardo reads; bpmn-moddle's own types do not cover extensions. */
export interface BpmnElement {
  $type: string;
  id?: string;
  name?: string;
  [attribute: string]: unknown;
}

export interface BpmnParseResult {
  definitions: BpmnElement & { rootElements?: BpmnElement[] };
  warnings: Array<{ message: string; element?: BpmnElement }>;
}

/** What bpmn-moddle's fromXML gives: the tree plus the lookup tables bpmn-engine reads. */
export interface BpmnModdleContext {
  rootElement: BpmnParseResult['definitions'];
  warnings: BpmnParseResult['warnings'];
  elementsById: Record<string, BpmnElement>;
  references: unknown[];
}

interface Moddle {
  fromXML(xml: string): Promise<BpmnModdleContext>;
}

const BpmnModdle = bpmnModdle.BpmnModdle as new (packages: object) => Moddle;

/** The cardo: moddle extension, shared with the studio's modeler. */
export const CARDO_MODDLE = JSON.parse(readFileSync(`${SCHEMA_DIR}cardo.json`, 'utf8')) as { uri: string };

/** Parses BPMN 2.0 XML with the cardo: extension; throws on XML that cannot be read. */
export async function parseBpmn(xml: string): Promise<BpmnParseResult> {
  const moddle = new BpmnModdle({ cardo: CARDO_MODDLE });
  const { rootElement, warnings } = await moddle.fromXML(xml);
  return { definitions: rootElement, warnings };
}

/** The whole moddle context (for the workflow engine); throws on XML that cannot be read. */
export async function parseBpmnContext(xml: string): Promise<BpmnModdleContext> {
  return new BpmnModdle({ cardo: CARDO_MODDLE }).fromXML(xml);
}

/** Every flow element of a process, including those inside sub-processes. */
export function flowElements(container: BpmnElement): BpmnElement[] {
  const out: BpmnElement[] = [];
  for (const element of (container.flowElements as BpmnElement[] | undefined) ?? []) {
    out.push(element);
    if (element.flowElements) out.push(...flowElements(element));
  }
  return out;
}
