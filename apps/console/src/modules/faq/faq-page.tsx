// Keyword answers: the FAQ library (question, other phrasings, answer, tiers), the questions customers asked — the
// unmatched ones become an FAQ in one click — and the numbers (hits, answered, median and p90 time to answer).
import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Form, Input, InputNumber, Popconfirm, Row, Select, Space, Statistic, Switch, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/form-modal';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatDateTime } from '../../lib/format';
import { useMe } from '../auth/hooks';
import {
  useDeleteFaq, useDismissQuestion, useFaqFromQuestion, useFaqs, useFaqSettings, useFaqStats, useQuestions, useSaveFaq, useSaveFaqSettings,
  type Faq, type FaqQuestion, type FaqSettings,
} from './hooks';

interface FaqForm { question: string; synonyms: string; answer: string; tiers: string[]; enabled: boolean }
const lines = (s: string) => s.split(/\n/).map((x) => x.trim()).filter(Boolean);

function FaqModal({ faq, fromQuestion, onClose }: { faq?: Faq; fromQuestion?: FaqQuestion; onClose: () => void }) {
  const { t } = useTranslation('faq');
  const [form] = Form.useForm<FaqForm>();
  const save = useSaveFaq();
  const fromQ = useFaqFromQuestion();
  return (
    <FormModal<FaqForm>
      title={faq ? t('edit') : t('create')}
      form={form}
      width={640}
      initialValues={faq
        ? { question: faq.question, synonyms: faq.synonyms.join('\n'), answer: faq.answer.text, tiers: faq.tiers, enabled: faq.enabled }
        : { question: fromQuestion?.text.slice(0, 100) ?? '', synonyms: '', answer: '', tiers: [], enabled: true }}
      onSubmit={async (v) => {
        const body = { question: v.question, synonyms: lines(v.synonyms ?? ''), answer: { text: v.answer, attachments: faq?.answer.attachments ?? [] }, tiers: v.tiers ?? [], enabled: v.enabled };
        if (fromQuestion) await fromQ.mutateAsync({ id: fromQuestion.id, ...body });
        else await save.mutateAsync({ id: faq?.id, ...body });
      }}
      onClose={onClose}
    >
      <Form.Item name="question" label={t('question')} rules={[{ required: true, max: 100 }]}><Input data-testid="faq-question" /></Form.Item>
      <Form.Item name="synonyms" label={t('synonyms')} extra={t('synonymsHint')}><Input.TextArea rows={3} data-testid="faq-synonyms" /></Form.Item>
      <Form.Item name="answer" label={t('answer')} extra={t('answerHint')} rules={[{ required: true, max: 4000 }]}><Input.TextArea rows={4} data-testid="faq-answer" /></Form.Item>
      <Form.Item name="tiers" label={t('tiers')} extra={t('tiersHint')}><Select mode="tags" /></Form.Item>
      <Form.Item name="enabled" label={t('enabled')} valuePropName="checked"><Switch /></Form.Item>
    </FormModal>
  );
}

function Questions({ status, canWrite, onMake }: { status: string; canWrite: boolean; onMake: (q: FaqQuestion) => void }) {
  const { t } = useTranslation('faq');
  const query = useQuestions(status);
  const dismiss = useDismissQuestion();
  if (query.error) return <QueryError query={query} />;
  return (
    <Table<FaqQuestion>
      rowKey="id" size="small" loading={query.isLoading} dataSource={query.data?.items ?? []} pagination={{ pageSize: 20 }}
      columns={[
        { title: t('askedAt'), dataIndex: 'askedAt', width: 150, render: (v: string) => formatDateTime(v) },
        { title: t('question'), dataIndex: 'text' },
        { title: t('chat'), render: (_, r) => r.chatName ?? r.customerName ?? r.chatId ?? r.externalUserid },
        { title: t('status'), dataIndex: 'status', width: 110, render: (s: FaqQuestion['status']) => <Tag>{t(`statuses.${s}`)}</Tag> },
        { title: t('seconds'), dataIndex: 'answerSeconds', width: 110, render: (n: number | null) => (n === null ? '—' : t('secondsUnit', { n })) },
        ...(canWrite && status === 'unmatched' ? [{
          title: '', width: 200, render: (_: unknown, r: FaqQuestion) => (
            <Space>
              <Button size="small" type="primary" data-testid={`make-faq-${r.id}`} onClick={() => onMake(r)}>{t('makeFaq')}</Button>
              <Button size="small" onClick={() => dismiss.mutate(r.id)}>{t('dismiss')}</Button>
            </Space>
          ),
        }] : []),
      ]}
    />
  );
}

function SettingsCard() {
  const { t } = useTranslation('faq');
  const settings = useFaqSettings();
  const save = useSaveFaqSettings();
  if (!settings.data) return null;
  return (
    <Form layout="inline" initialValues={settings.data} onFinish={(v: FaqSettings) => save.mutate(v)}>
      <Form.Item name="threshold" label={t('threshold')}><InputNumber min={0.3} max={1} step={0.05} /></Form.Item>
      <Form.Item name="escalateAfterMinutes" label={t('escalate')}><InputNumber min={1} max={1440} /></Form.Item>
      <Form.Item name="directChats" label={t('directChats')} valuePropName="checked"><Switch /></Form.Item>
      <Button htmlType="submit" loading={save.isPending}>OK</Button>
    </Form>
  );
}

export default function FaqPage() {
  const { t } = useTranslation('faq');
  const { data: me } = useMe();
  const canWrite = me?.role === 'admin' || me?.role === 'operator';
  const faqs = useFaqs();
  const stats = useFaqStats();
  const del = useDeleteFaq();
  const [editing, setEditing] = useState<{ faq?: Faq; fromQuestion?: FaqQuestion } | null>(null);
  const s = stats.data;
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} extra={canWrite ? <Button type="primary" icon={<PlusOutlined />} data-testid="faq-create" onClick={() => setEditing({})}>{t('create')}</Button> : null} />
      <Row gutter={12} style={{ marginBottom: 16 }}>
        {([['questions', s?.questions], ['hits', s?.hits], ['answered', s?.answered], ['unmatched', s?.unmatched], ['escalated', s?.escalated]] as const).map(([k, v]) => (
          <Col key={k} span={4}><Card size="small"><Statistic title={t(`stats.${k}`)} value={v ?? 0} /></Card></Col>
        ))}
        <Col span={2}><Card size="small"><Statistic title={t('stats.median')} value={s?.medianSeconds ?? '—'} suffix={s?.medianSeconds != null ? 's' : undefined} /></Card></Col>
        <Col span={2}><Card size="small"><Statistic title={t('stats.p90')} value={s?.p90Seconds ?? '—'} suffix={s?.p90Seconds != null ? 's' : undefined} /></Card></Col>
      </Row>
      <Card>
        <Tabs items={[
          {
            key: 'library', label: t('library'), children: faqs.error ? <QueryError query={faqs} /> : (
              <Table<Faq>
                rowKey="id" size="small" loading={faqs.isLoading} dataSource={faqs.data?.items ?? []}
                columns={[
                  { title: t('question'), dataIndex: 'question' },
                  { title: t('synonyms'), dataIndex: 'synonyms', render: (v: string[]) => v.map((x) => <Tag key={x}>{x}</Tag>) },
                  { title: t('answer'), render: (_, r) => r.answer.text.slice(0, 60) },
                  { title: t('tiers'), dataIndex: 'tiers', render: (v: string[]) => v.map((x) => <Tag key={x} color="blue">{x}</Tag>) },
                  { title: t('hits'), dataIndex: 'hits', width: 70 },
                  { title: t('enabled'), dataIndex: 'enabled', width: 70, render: (v: boolean) => (v ? '✓' : '—') },
                  ...(canWrite ? [{
                    title: '', width: 140, render: (_: unknown, r: Faq) => (
                      <Space>
                        <Button size="small" onClick={() => setEditing({ faq: r })}>{t('edit')}</Button>
                        <Popconfirm title={t('deleteConfirm', { q: r.question })} onConfirm={() => del.mutate(r.id)}><Button size="small" danger>×</Button></Popconfirm>
                      </Space>
                    ),
                  }] : []),
                ]}
              />
            ),
          },
          { key: 'unmatched', label: t('unmatched'), children: <Questions status="unmatched" canWrite={canWrite} onMake={(q) => setEditing({ fromQuestion: q })} /> },
          { key: 'answered', label: t('answered'), children: <Questions status="answered" canWrite={canWrite} onMake={() => undefined} /> },
          { key: 'all', label: t('all'), children: <Questions status="" canWrite={canWrite} onMake={() => undefined} /> },
          ...(canWrite ? [{ key: 'settings', label: t('settings'), children: <SettingsCard /> }] : []),
        ]} />
      </Card>
      {editing ? <FaqModal faq={editing.faq} fromQuestion={editing.fromQuestion} onClose={() => setEditing(null)} /> : null}
    </>
  );
}
