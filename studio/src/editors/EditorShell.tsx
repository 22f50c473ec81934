import { Form } from 'antd';
import { createContext, useContext, type ReactNode } from 'react';
import { MetadataFileFrame } from '../files/MetadataFileFrame.js';
import type { MetadataProblem } from '../types.js';
import { problemsAt } from './problems.js';
import type { MetadataFile } from './use-metadata-file.js';

const ProblemsContext = createContext<readonly MetadataProblem[]>([]);

/**
 * A form control with the server's problems at its pointer shown under it (`deep`: also those
 * below it, for a control that edits a whole object such as a condition).
 */
/** The messages of the file's problems at a pointer, for controls too light for a Form.Item (matrix cells). */
export function useProblemsAt(pointer: string, deep = false): string[] {
  return problemsAt(useContext(ProblemsContext), pointer, deep);
}

export function At({ pointer, label, deep, children, help, style }: { pointer: string; label?: ReactNode; deep?: boolean; children: ReactNode; help?: ReactNode; style?: React.CSSProperties }) {
  const messages = useProblemsAt(pointer, deep);
  return (
    <Form.Item label={label} validateStatus={messages.length > 0 ? 'error' : undefined} help={messages.length > 0 ? <span data-testid="control-problem" data-pointer={pointer}>{messages.join(' ')}</span> : help} style={{ marginBottom: 8, ...style }}>
      {children}
    </Form.Item>
  );
}

interface Props<T> {
  file: MetadataFile<T>;
  title: ReactNode;
  testId: string;
  extra?: ReactNode;
  children: (value: T) => ReactNode;
}

/** The file's frame (header, verdict, problems) with the problems also shown at their controls (`At`). */
export function EditorShell<T>({ file, title, testId, extra, children }: Props<T>) {
  return (
    <MetadataFileFrame path={file.path} title={title} file={file} testId={testId} saveTestId="editor-save" extra={extra}>
      {file.value !== null && (
        <ProblemsContext.Provider value={file.problems}>
          <Form layout="vertical" key={file.generation} component="div">
            {children(file.value)}
          </Form>
        </ProblemsContext.Provider>
      )}
    </MetadataFileFrame>
  );
}
