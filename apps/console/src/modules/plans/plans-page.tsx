// 活动策划 Activity plans: the list (days, goal, status), new, and each plan's review.
import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { useCanWrite } from '../auth/hooks';
import { usePlans, type Plan } from './hooks';
import { metricValue } from './review-parts';

export default function PlansPage() {
  const { t } = useTranslation('plans');
  const navigate = useNavigate();
  const q = usePlans();
  const canWrite = useCanWrite();
  return (
    <>
      <PageHeader title={t('plansTitle')} subtitle={t('plansSubtitle')}
        extra={canWrite ? <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/plans/new')} data-testid="new-plan">{t('newPlan')}</Button> : null} />
      <QueryError query={q} />
      <Card size="small">
        <Table<Plan> size="small" rowKey="id" loading={q.isLoading} dataSource={q.data?.items ?? []} pagination={{ pageSize: 50, hideOnSinglePage: true }}
          columns={[
            { title: t('fields.name'), dataIndex: 'name', render: (n: string, p) => <Link to={`/plans/${p.id}`}>{n}</Link> },
            { title: t('sections.theme'), dataIndex: 'theme' },
            { title: t('period'), render: (_, p) => `${p.startsOn} ~ ${p.endsOn}` },
            { title: t('goal'), render: (_, p) => `${t(`metrics.${p.goal.metric}`)} ≥ ${metricValue(p.goal.metric, p.goal.target)}` },
            { title: t('status'), dataIndex: 'status', render: (s: Plan['status']) => <Tag color={s === 'done' ? 'green' : s === 'active' ? 'blue' : undefined}>{t(`statuses.${s}`)}</Tag> },
            ...(canWrite ? [{ title: '', key: 'edit', render: (_: unknown, p: Plan) => <Link to={`/plans/${p.id}/edit`}>{t('edit')}</Link> }] : []),
          ]} />
      </Card>
    </>
  );
}
