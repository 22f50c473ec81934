import { Alert, Button, Checkbox, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../api.js';
import { useI18n } from '../i18n.js';
import type { MetadataProblem, PlanChange } from '../types.js';

interface PlanAnswer {
  hash: string;
  current: string;
  changes: PlanChange[];
  destructive: PlanChange[];
  empty: boolean;
}

/** Validate → Plan → Publish: what the files on disk would change in the database, then apply it. */
export function PublishPage() {
  const { t } = useI18n();
  const [problems, setProblems] = useState<MetadataProblem[] | null>(null);
  const [plan, setPlan] = useState<PlanAnswer | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<{ type: 'success' | 'error'; text: string; testId: string } | null>(null);

  const run = async (what: string, action: () => Promise<void>) => {
    setBusy(what);
    setResult(null);
    try {
      await action();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CARDO_ERR_META_INVALID') setProblems((e.problem.problems as MetadataProblem[]) ?? []);
      const text = e instanceof ApiError && e.code === 'CARDO_ERR_META_DESTRUCTIVE' ? t('publish.refused') : e instanceof Error ? e.message : String(e);
      setResult({ type: 'error', text, testId: 'publish-error' });
    } finally {
      setBusy(null);
    }
  };

  const validate = () => run('validate', async () => setProblems((await api<{ problems: MetadataProblem[] }>('POST', '/api/studio/validate')).problems));
  const makePlan = () =>
    run('plan', async () => {
      setPlan(null);
      setConfirmed(false);
      const answer = await api<PlanAnswer>('POST', '/api/studio/plan');
      setProblems([]);
      setPlan(answer);
    });
  const publish = () =>
    run('publish', async () => {
      const answer = await api<{ applied: boolean; changes: PlanChange[] }>('POST', '/api/studio/apply', { allowDestructive: confirmed });
      setResult({ type: 'success', text: t('publish.done', { count: answer.changes.length }), testId: 'publish-done' });
      setPlan(null);
      setConfirmed(false);
    });

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="publish-page">
      <Space>
        <Button onClick={() => void validate()} loading={busy === 'validate'} data-testid="validate">
          {t('publish.validate')}
        </Button>
        <Button onClick={() => void makePlan()} loading={busy === 'plan'} data-testid="plan">
          {t('publish.plan')}
        </Button>
        <Button type="primary" onClick={() => void publish()} loading={busy === 'publish'} disabled={plan === null} data-testid="publish">
          {t('publish.publish')}
        </Button>
      </Space>
      {result && <Alert type={result.type} showIcon title={result.text} data-testid={result.testId} />}
      {problems !== null &&
        (problems.length === 0 ? (
          <Alert type="success" title={t('publish.valid')} data-testid="validate-ok" />
        ) : (
          <Table<MetadataProblem>
            size="small"
            rowKey={(p) => `${p.file}${p.pointer}${p.code}${p.message}`}
            pagination={false}
            title={() => t('publish.problems', { count: problems.length })}
            dataSource={problems}
            data-testid="validate-problems"
            columns={[
              { title: 'file', dataIndex: 'file' },
              { title: 'pointer', dataIndex: 'pointer', render: (v: string) => <code>{v}</code> },
              { title: 'code', dataIndex: 'code' },
              { title: 'message', dataIndex: 'message' },
            ]}
          />
        ))}
      {plan && (
        <div data-testid="plan-result">
          <Typography.Title level={4}>{plan.empty ? t('publish.noChanges') : t('publish.changes', { count: plan.changes.length })}</Typography.Title>
          {!plan.empty && (
            <Table<PlanChange>
              size="small"
              rowKey={(c, i) => `${c.kind}${c.table}${c.column ?? ''}${c.index ?? ''}${i ?? ''}`}
              pagination={false}
              dataSource={plan.changes}
              onRow={(c) => ({ 'data-testid': 'plan-change', 'data-kind': c.kind, 'data-destructive': String(c.destructive) }) as object}
              columns={[
                { title: t('publish.kind'), dataIndex: 'kind', render: (kind: string, c) => <>{kind} {c.destructive && <Tag color="red">{t('publish.destructive')}</Tag>}</> },
                { title: t('publish.detail'), dataIndex: 'detail', render: (v: string) => <code>{v}</code> },
              ]}
            />
          )}
          {plan.destructive.length > 0 && (
            <Alert
              type="error"
              showIcon
              style={{ marginTop: 12 }}
              title={t('publish.destructiveWarning', { count: plan.destructive.length })}
              description={
                <Checkbox checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} data-testid="confirm-destructive">
                  {t('publish.confirm')}
                </Checkbox>
              }
              data-testid="plan-destructive"
            />
          )}
        </div>
      )}
    </Space>
  );
}
