import { Alert, Typography } from 'antd';
import { useI18n } from '../i18n.js';
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

/** Every schema issue of the file in memory, listed above an editor's form (each editor frame shows it). */
export function SchemaIssuesAlert({ issues }: { issues: readonly SchemaIssue[] }) {
  const { t } = useI18n();
  if (issues.length === 0) return null;
  return <Alert type="error" showIcon title={t('designer.schemaIssues', { count: issues.length })} description={<ul style={{ margin: 0 }}>{issues.map((p, i) => <li key={i}><code>{p.pointer}</code> {p.message}</li>)}</ul>} style={{ marginBottom: 12 }} data-testid="schema-issues" />;
}
