// Group moderation: violations and offenders (pardon), the rules of each group tier, WeCom's intercept rules for staff,
// and each tier's persona, rules, announcement and daily slots with "generate content calendar" (a draft group playbook).
import { App, Button, Card, Col, Form, Input, InputNumber, Popconfirm, Row, Select, Space, Switch, Table, Tabs, Tag, TimePicker } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatDateTime } from '../../lib/format';
import { useMe } from '../auth/hooks';
import {
  useAddInterceptRule, useDeleteInterceptRule, useGenerateCalendar, useInterceptRules, useOffenders, usePardon, useProfiles, useRuleSets, useSaveProfile,
  useSaveRuleSet, useViolations, type GroupProfile, type OffenderRow, type Violation,
} from './hooks';

const lines = (s: string | undefined) => (s ?? '').split(/\n/).map((x) => x.trim()).filter(Boolean);

function RulesTab() {
  const { t } = useTranslation('moderation');
  const sets = useRuleSets();
  const profiles = useProfiles();
  const save = useSaveRuleSet();
  const [tier, setTier] = useState('*');
  const [form] = Form.useForm();
  if (sets.error) return <QueryError query={sets} />;
  const tiers = ['*', ...new Set([...(profiles.data?.items ?? []).map((p) => p.tier), ...(sets.data?.items ?? []).map((s) => s.tier)].filter((x) => x !== '*'))];
  const current = (sets.data?.items ?? []).find((s) => s.tier === tier) ?? (sets.data?.items ?? []).find((s) => s.tier === '*');
  if (!current) return null;
  const c = current.config;
  const initial = {
    ...c, allowedDomains: (c.allowedDomains ?? []).join('\n'), words: (c.words ?? []).join('\n'),
    repeatCount: c.repeat?.count, repeatMinutes: c.repeat?.minutes, newMemberMinutes: c.newMember?.minutes, multiGroups: c.multiGroup?.groups, multiMinutes: c.multiGroup?.minutes,
  };
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        {t('tier')}
        <Select style={{ width: 200 }} value={tier} onChange={(v) => { setTier(v); form.resetFields(); }} options={tiers.map((x) => ({ value: x, label: x === '*' ? t('tierDefault') : x }))} />
      </Space>
      <Form key={`${tier}:${String(current.updatedAt)}`} form={form} layout="vertical" initialValues={initial} onFinish={(v: Record<string, never>) => save.mutate({
        tier, config: {
          enabled: v.enabled, link: v.link, allowedDomains: lines(v.allowedDomains), qr: v.qr, weapp: v.weapp, card: v.card, phone: v.phone, words: lines(v.words),
          pinyinInitials: v.pinyinInitials, strikesToBlock: v.strikesToBlock,
          repeat: v.repeatCount && v.repeatMinutes ? { count: v.repeatCount, minutes: v.repeatMinutes } : null,
          newMember: v.newMemberMinutes ? { minutes: v.newMemberMinutes } : null,
          multiGroup: v.multiGroups && v.multiMinutes ? { groups: v.multiGroups, minutes: v.multiMinutes } : null,
        },
      })}>
        <Row gutter={16}>
          {(['enabled', 'link', 'qr', 'weapp', 'card', 'phone', 'pinyinInitials'] as const).map((k) => (
            <Col key={k} span={3}><Form.Item name={k} label={t(`fields.${k}`)} valuePropName="checked"><Switch /></Form.Item></Col>
          ))}
        </Row>
        <Row gutter={16}>
          <Col span={12}><Form.Item name="words" label={t('fields.words')}><Input.TextArea rows={4} /></Form.Item></Col>
          <Col span={12}><Form.Item name="allowedDomains" label={t('fields.allowedDomains')}><Input.TextArea rows={4} /></Form.Item></Col>
        </Row>
        <Row gutter={16}>
          {(['repeatCount', 'repeatMinutes', 'newMemberMinutes', 'multiGroups', 'multiMinutes', 'strikesToBlock'] as const).map((k) => (
            <Col key={k} span={4}><Form.Item name={k} label={t(`fields.${k}`)}><InputNumber min={1} max={1440} style={{ width: '100%' }} /></Form.Item></Col>
          ))}
        </Row>
        <Button type="primary" htmlType="submit" loading={save.isPending}>{t('save')}</Button>
      </Form>
    </>
  );
}

function InterceptTab() {
  const { t } = useTranslation('moderation');
  const rules = useInterceptRules(true);
  const add = useAddInterceptRule();
  const del = useDeleteInterceptRule();
  const [form] = Form.useForm();
  return (
    <Row gutter={24}>
      <Col span={12}>
        {rules.error ? <QueryError query={rules} /> : (
          <Table rowKey="ruleId" size="small" loading={rules.isLoading} dataSource={rules.data?.items ?? []} columns={[
            { title: t('interceptName'), dataIndex: 'name' },
            { title: t('time'), dataIndex: 'createdAt', render: (v: string | null) => formatDateTime(v) },
            { title: '', width: 60, render: (_, r) => <Popconfirm title="×?" onConfirm={() => del.mutate(r.ruleId)}><Button size="small" danger>×</Button></Popconfirm> },
          ]} />
        )}
      </Col>
      <Col span={12}>
        <Card size="small" title={t('addIntercept')}>
          <Form form={form} layout="vertical" initialValues={{ interceptType: 1 }} onFinish={(v: { name: string; words: string; interceptType: 1 | 2; userids: string[] }) => {
            add.mutate({ name: v.name, words: lines(v.words), interceptType: v.interceptType, userids: v.userids ?? [] }, { onSuccess: () => form.resetFields() });
          }}>
            <Form.Item name="name" label={t('interceptName')} rules={[{ required: true, max: 20 }]}><Input /></Form.Item>
            <Form.Item name="words" label={t('interceptWords')} rules={[{ required: true }]}><Input.TextArea rows={3} /></Form.Item>
            <Form.Item name="interceptType" label={t('interceptType')}><Select options={[{ value: 1, label: t('interceptTypes.block') }, { value: 2, label: t('interceptTypes.warn') }]} /></Form.Item>
            <Form.Item name="userids" label={t('userids')} rules={[{ required: true }]}><Select mode="tags" /></Form.Item>
            <Button type="primary" htmlType="submit" loading={add.isPending}>{t('save')}</Button>
          </Form>
        </Card>
      </Col>
    </Row>
  );
}

function ProfileCard({ p }: { p: GroupProfile }) {
  const { t } = useTranslation('moderation');
  const { message } = App.useApp();
  const navigate = useNavigate();
  const save = useSaveProfile();
  const generate = useGenerateCalendar();
  const [form] = Form.useForm();
  return (
    <Card size="small" title={`${p.tier} · ${t('persona.groups')} ${p.groups}`} style={{ marginBottom: 12 }} extra={
      <Button data-testid={`calendar-${p.tier}`} disabled={!p.updatedAt} loading={generate.isPending} onClick={() => generate.mutate(p.tier, {
        onSuccess: (r) => { void message.success(t('generated', { steps: r.steps })); void navigate(`/playbooks/${r.playbookId}`); },
      })}>{t('generate')}</Button>
    }>
      <Form form={form} layout="vertical" initialValues={{ ...p, slots: p.slots.map((s) => ({ ...s, time: dayjs(s.time, 'HH:mm') })) }}
        onFinish={(v: { personaName: string; tone: string; intro: string; rules: string; announcement: string; slots?: { time: dayjs.Dayjs; label: string; text: string }[] }) => save.mutate({
          tier: p.tier, personaName: v.personaName ?? '', tone: v.tone ?? '', intro: v.intro ?? '', rules: v.rules ?? '', announcement: v.announcement ?? '',
          slots: (v.slots ?? []).map((s) => ({ time: s.time.format('HH:mm'), label: s.label, text: s.text })),
        })}>
        <Row gutter={12}>
          <Col span={6}><Form.Item name="personaName" label={t('persona.name')}><Input maxLength={30} /></Form.Item></Col>
          <Col span={6}><Form.Item name="tone" label={t('persona.tone')}><Input maxLength={60} /></Form.Item></Col>
          <Col span={12}><Form.Item name="intro" label={t('persona.intro')}><Input.TextArea rows={2} maxLength={1000} /></Form.Item></Col>
          <Col span={12}><Form.Item name="rules" label={t('persona.rules')}><Input.TextArea rows={3} maxLength={2000} /></Form.Item></Col>
          <Col span={12}><Form.Item name="announcement" label={t('persona.announcement')}><Input.TextArea rows={3} maxLength={2000} /></Form.Item></Col>
        </Row>
        <Form.List name="slots">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start">
                  <Form.Item name={[f.name, 'time']} rules={[{ required: true }]}><TimePicker format="HH:mm" placeholder={t('persona.slotTime')} /></Form.Item>
                  <Form.Item name={[f.name, 'label']} rules={[{ required: true, max: 20 }]}><Input placeholder={t('persona.slotLabel')} /></Form.Item>
                  <Form.Item name={[f.name, 'text']} rules={[{ required: true, max: 2000 }]}><Input style={{ width: 360 }} placeholder={t('persona.slotText')} /></Form.Item>
                  <Button onClick={() => remove(f.name)}>×</Button>
                </Space>
              ))}
              <Space><Button onClick={() => add()}>{t('addSlot')}</Button><Button type="primary" htmlType="submit" loading={save.isPending}>{t('save')}</Button></Space>
            </>
          )}
        </Form.List>
      </Form>
    </Card>
  );
}

export default function ModerationPage() {
  const { t } = useTranslation('moderation');
  const { data: me } = useMe();
  const canWrite = me?.role === 'admin' || me?.role === 'operator';
  const violations = useViolations();
  const offenders = useOffenders(canWrite);
  const pardon = usePardon();
  const profiles = useProfiles();
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <Card>
        <Tabs items={[
          {
            key: 'violations', label: t('violations'), children: violations.error ? <QueryError query={violations} /> : (
              <Table<Violation> rowKey="id" size="small" loading={violations.isLoading} dataSource={violations.data?.items ?? []} columns={[
                { title: t('time'), dataIndex: 'occurredAt', width: 150, render: (v: string) => formatDateTime(v) },
                { title: t('rule'), dataIndex: 'rule', width: 120, render: (r: Violation['rule']) => <Tag color="red">{t(`ruleNames.${r}`)}</Tag> },
                { title: t('group'), render: (_, r) => r.chatName ?? r.chatId },
                { title: t('customer'), render: (_, r) => r.customerName ?? r.externalUserid },
                { title: t('message'), dataIndex: 'text' },
                { title: t('detail'), dataIndex: 'detail' },
                { title: t('strikes'), width: 90, render: (_, r) => <>{r.strikes}{r.blocked ? <Tag color="volcano" style={{ marginLeft: 4 }}>{t('blocked')}</Tag> : null}</> },
              ]} />
            ),
          },
          ...(canWrite ? [
            {
              key: 'offenders', label: t('offenders'), children: (
                <Table<OffenderRow> rowKey="externalUserid" size="small" loading={offenders.isLoading} dataSource={offenders.data?.items ?? []} columns={[
                  { title: t('customer'), render: (_, r) => r.name ?? r.externalUserid },
                  { title: t('strikes'), dataIndex: 'strikes' },
                  { title: t('time'), dataIndex: 'lastAt', render: (v: string) => formatDateTime(v) },
                  { title: t('blocked'), dataIndex: 'blockedAt', render: (v: string | null) => (v ? formatDateTime(v) : '—') },
                  { title: '', render: (_, r) => <Button size="small" onClick={() => pardon.mutate(r.externalUserid)}>{t('pardon')}</Button> },
                ]} />
              ),
            },
            { key: 'rules', label: t('rules'), children: <RulesTab /> },
            { key: 'intercept', label: t('intercept'), children: <InterceptTab /> },
            { key: 'profiles', label: t('profiles'), children: profiles.error ? <QueryError query={profiles} /> : (profiles.data?.items ?? []).map((p) => <ProfileCard key={p.tier} p={p} />) },
          ] : []),
        ]} />
      </Card>
    </>
  );
}
