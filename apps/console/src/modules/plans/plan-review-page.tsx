// 复盘 A plan's review, filling itself during and after the plan: the goal and the expected output against actuals,
// cost against budget, per day and per channel, what was sent, the linked items' results, the milestones, and the
// operator's notes (what worked, what didn't, next time). Exports: print (a page of its own) and CSV.
import { ArrowLeftOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Form, Input, Row, Skeleton, Space } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { apiUrl } from '../../api/client';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { showFieldError } from '../../lib/form-errors';
import { useCanWrite } from '../auth/hooks';
import { useReview, useSavePlan } from './hooks';
import { ChannelsTable, CostCard, DailyChart, GoalCard, LinkedTable, MetricsTable, MilestoneList, PlanFacts, SentTable } from './review-parts';

export default function PlanReviewPage() {
  const { t } = useTranslation('plans');
  const { message } = App.useApp();
  const navigate = useNavigate();
  const id = Number(useParams().id);
  const q = useReview(id);
  const save = useSavePlan();
  const canWrite = useCanWrite();
  const [form] = Form.useForm<{ worked: string; didnt: string; next: string }>();
  const r = q.data;
  useEffect(() => { if (r) form.setFieldsValue(r.plan.review); }, [r, form]);
  return (
    <>
      <PageHeader back={<Button type="text" icon={<ArrowLeftOutlined />} onClick={() => void navigate('/plans')} aria-label="back" />} title={r ? `${t('review')} · ${r.plan.name}` : t('review')}
        extra={(
          <Space>
            {canWrite ? <Link to={`/plans/${id}/edit`}><Button>{t('edit')}</Button></Link> : null}
            <Button href={apiUrl(`/plans/${id}/review.csv`)}>{t('exportCsv')}</Button>
            <Button type="primary" onClick={() => window.open(`/plans/${id}/print`, '_blank')} data-testid="print-review">{t('print')}</Button>
          </Space>
        )} />
      <QueryError query={q} />
      {!r ? <Skeleton active /> : (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <PlanFacts r={r} />
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}><GoalCard r={r} /></Col>
            <Col xs={24} lg={12}><CostCard r={r} /></Col>
          </Row>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={10}><Card size="small" title={t('sections.expected')}><MetricsTable r={r} /></Card></Col>
            <Col xs={24} lg={14}><Card size="small" title={t('daily')}><DailyChart r={r} /></Card></Col>
          </Row>
          <Card size="small" title={t('linked')}><LinkedTable r={r} /></Card>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}><Card size="small" title={t('byChannel')}><ChannelsTable r={r} /></Card></Col>
            <Col xs={24} lg={12}><Card size="small" title={t('sent')}><SentTable r={r} /></Card></Col>
          </Row>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={8}><Card size="small" title={t('milestones')}><MilestoneList r={r} /></Card></Col>
            <Col xs={24} lg={16}>
              <Card size="small" title={t('reviewNotes')}>
                <Form form={form} layout="vertical" disabled={!canWrite} onFinish={async (v) => {
                  try {
                    await save.mutateAsync({ id, body: { review: { worked: v.worked ?? '', didnt: v.didnt ?? '', next: v.next ?? '' } } });
                    message.success(t('saved'));
                  } catch (e) {
                    if (!showFieldError(form, e)) message.error((e as Error).message);
                  }
                }}>
                  <Form.Item name="worked" label={t('worked')}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
                  <Form.Item name="didnt" label={t('didnt')}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
                  <Form.Item name="next" label={t('next')}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
                  <Space hidden={!canWrite}>
                    <Button htmlType="submit" type="primary" loading={save.isPending}>{t('saveNotes')}</Button>
                    {r.plan.status !== 'done' && <Button onClick={async () => { await save.mutateAsync({ id, body: { status: 'done' } }); message.success(t('saved')); }}>{t('markDone')}</Button>}
                  </Space>
                </Form>
              </Card>
            </Col>
          </Row>
        </Space>
      )}
    </>
  );
}
