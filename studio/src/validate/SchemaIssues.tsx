import { Typography } from 'antd';
import { issuesAt, type SchemaIssue } from './meta-validate.js';

/** The antd status of a control whose value has schema issues. */
export const statusAt = (issues: readonly SchemaIssue[], pointer: string): 'error' | undefined => (issuesAt(issues, pointer).length > 0 ? 'error' : undefined);

/** The schema issues of one value, under the control that edits it, as the user types. */
export function SchemaIssues({ issues, pointer }: { issues: readonly SchemaIssue[]; pointer: string }) {
  const here = issuesAt(issues, pointer);
  if (here.length === 0) return null;
  return (
    <div data-testid="schema-issue" data-pointer={pointer}>
      {here.map((issue, i) => (
        <Typography.Text key={i} type="danger" style={{ display: 'block', fontSize: 12 }}>
          {issue.message}
        </Typography.Text>
      ))}
    </div>
  );
}
