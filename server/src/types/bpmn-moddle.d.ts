// bpmn-moddle ships types for its model, not for the module's entry point.
declare module 'bpmn-moddle' {
  export const BpmnModdle: unknown;
}
