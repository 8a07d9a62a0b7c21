// The page scaffolding shared by customer segments and group segments: the saved-segments list
// (open / CSV / delete), the builder card (rule editor, name, save), the live count with a sample,
// and the members card of the opened segment. Each page brings what really differs: its hooks,
// condition types and editors, how a sample item and a member row look, and its i18n keys.
import { DeleteOutlined, DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import type { UseMutationResult, UseQueryResult } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Empty, Flex, Form, Input, List, Popconfirm, Row, Space, Spin, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, type Page } from '../../api/client';
import { ExportButton, ListTable, useLocalPaging } from '../../components/list-page';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { showFieldError } from '../../lib/form-errors';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { RuleEditor, type RuleTree } from './rule-editor';

type Id = number | string;

export interface SavedSegment<C> {
  id: Id;
  name: string;
  rule: RuleTree<C>;
}

export interface SegmentPreview<I> {
  count: number;
  sample: I[];
}

export interface SegmentSaveInput<C> {
  id: Id | null;
  name: string;
  rule: RuleTree<C>;
}

/** Module-level hooks of one kind of segment (stable across renders, so they may be called here). */
export interface SegmentHooks<C, S extends SavedSegment<C>, I extends object, P extends SegmentPreview<I>> {
  useList: () => UseQueryResult<S[]>;
  usePreview: (rule: RuleTree<C> | null) => UseQueryResult<P>;
  useSave: () => UseMutationResult<S, Error, SegmentSaveInput<C>>;
  useDelete: () => UseMutationResult<unknown, Error, S['id']>;
  useMembers: (id: S['id'] | null, page: number, pageSize: number) => UseQueryResult<Page<I>>;
}

export interface SegmentWorkspaceProps<C extends { type: string }, S extends SavedSegment<C>, I extends object, P extends SegmentPreview<I>> {
  hooks: SegmentHooks<C, S, I, P>;
  /** The page's namespace, holding its own texts (title, subtitle, new, saved, emptySaved, namePlaceholder, matching, sample, noSample). */
  ns: 'segments' | 'groupSegments';
  /** The unit after the live count. */
  unitKey: 'segments:people' | 'groupSegments:unit';
  /** Title of the members card ({ name }). */
  membersTitleKey: 'segments:members' | 'groupSegments:groupsOf';
  exportUrl: (id: S['id']) => string;
  /** data-testid of the CSV link in the saved list, if any. */
  exportTestId?: string;
  nameMax: number;
  newRule: () => RuleTree<C>;
  ruleComplete: (rule: RuleTree<C>) => boolean;
  conditionTypes: C['type'][];
  typeLabel: (type: C['type']) => string;
  newCondition: (type: C['type']) => C;
  renderCondition: (c: C, onChange: (c: C) => void) => ReactNode;
  /** What becomes the opened segment after a save; the saved segment itself when absent. */
  adoptSaved?: (saved: S, input: { name: string; rule: RuleTree<C> }) => S | null;
  /** Shown after the live count once a preview arrived. */
  countExtra?: (preview: P) => ReactNode;
  itemKey: (item: I) => string;
  itemPath: (item: I) => string;
  renderSampleItem: (item: I) => ReactNode;
  sampleGap: number;
  memberColumns: ColumnsType<I>;
  /** Opens a member (the whole row is a link). */
  onMemberClick?: (item: I) => void;
  /** Actions before the CSV button in the members card (wrapped in a Space with it when given). */
  memberActions?: (segment: S) => ReactNode;
}

export function SegmentWorkspace<C extends { type: string }, S extends SavedSegment<C>, I extends object, P extends SegmentPreview<I>>(
  props: SegmentWorkspaceProps<C, S, I, P>,
) {
  const { hooks, ns, newRule, ruleComplete, adoptSaved, nameMax, exportUrl, countExtra } = props;
  // The shared texts are the segments module's; the page's own come from its namespace (`${ns}:…`).
  const { t } = useTranslation(['segments', ns, 'common'] as const);
  const { message } = App.useApp();
  const segments = hooks.useList();
  const save = hooks.useSave();
  const remove = hooks.useDelete();
  const [form] = Form.useForm<{ name: string }>();
  const [rule, setRule] = useState<RuleTree<C>>(newRule);
  const [editing, setEditing] = useState<S | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);

  const complete = ruleComplete(rule);
  const debounced = useDebouncedValue(complete ? rule : null, 400);
  const preview = hooks.usePreview(complete ? debounced : null);

  const startNew = () => {
    setEditing(null);
    setRule(newRule());
    setSaveError(null);
    form.setFieldsValue({ name: '' });
  };

  const open = (s: S) => {
    setEditing(s);
    setRule(s.rule);
    setSaveError(null);
    form.setFieldsValue({ name: s.name });
  };

  const onSave = async () => {
    const { name } = await form.validateFields();
    setSaveError(null);
    save.mutate(
      { id: editing?.id ?? null, name: name.trim(), rule },
      {
        onSuccess: (saved) => {
          void message.success(t('common:saved'));
          if (!adoptSaved) setEditing(saved);
          else {
            const next = adoptSaved(saved, { name, rule });
            if (next) setEditing(next);
          }
        },
        onError: (err) => {
          if (!showFieldError(form, err) || (err instanceof ApiError && err.field?.startsWith('rule'))) {
            setSaveError(err instanceof Error ? err.message : String(err));
          }
        },
      },
    );
  };

  const previewError = preview.error instanceof Error ? preview.error.message : null;

  return (
    <>
      <PageHeader
        title={t(`${ns}:title`)}
        subtitle={t(`${ns}:subtitle`)}
        extra={
          <Button icon={<PlusOutlined />} onClick={startNew} data-testid="segment-new">
            {t(`${ns}:new`)}
          </Button>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={7}>
          <Card title={t(`${ns}:saved`)} size="small">
            <QueryError query={segments} />
            <List<S>
              loading={segments.isLoading}
              dataSource={segments.data ?? []}
              locale={{ emptyText: t(`${ns}:emptySaved`) }}
              renderItem={(s) => (
                <List.Item
                  data-testid="segment-item"
                  style={{ background: editing?.id === s.id ? 'rgba(22,119,255,0.06)' : undefined, paddingInline: 8 }}
                  actions={[
                    <Button key="open" type="link" size="small" onClick={() => open(s)} data-testid="segment-open">
                      {t('open')}
                    </Button>,
                    <Button
                      key="csv"
                      type="link"
                      size="small"
                      icon={<DownloadOutlined />}
                      href={exportUrl(s.id)}
                      aria-label={t('common:exportCsv')}
                      data-testid={props.exportTestId}
                    />,
                    <Popconfirm
                      key="delete"
                      title={t('deleteConfirm', { name: s.name })}
                      onConfirm={() =>
                        remove.mutate(s.id, {
                          onSuccess: () => {
                            void message.success(t('common:deleted'));
                            if (editing?.id === s.id) startNew();
                          },
                        })
                      }
                    >
                      <Button type="link" size="small" danger icon={<DeleteOutlined />} aria-label={t('common:delete')} data-testid="segment-delete" />
                    </Popconfirm>,
                  ]}
                >
                  <Typography.Text ellipsis style={{ maxWidth: 140 }}>
                    {s.name}
                  </Typography.Text>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} lg={17}>
          <Flex vertical gap={16}>
            <Card title={editing ? t('editing', { name: editing.name }) : t('builder')} size="small">
              <RuleEditor<C>
                group={rule}
                onChange={setRule}
                types={props.conditionTypes}
                typeLabel={props.typeLabel}
                newCondition={props.newCondition}
                renderCondition={props.renderCondition}
              />
              {!complete && rule.conditions.length > 0 ? (
                <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
                  {t('incomplete')}
                </Typography.Text>
              ) : null}
              {previewError && complete ? <Alert type="error" showIcon title={previewError} style={{ marginTop: 12 }} /> : null}
              {saveError ? <Alert type="error" showIcon title={saveError} style={{ marginTop: 12 }} data-testid="segment-error" /> : null}
              <Form form={form} layout="inline" style={{ marginTop: 16 }} initialValues={{ name: '' }}>
                <Form.Item
                  name="name"
                  label={t('name')}
                  rules={[{ required: true, whitespace: true, message: t('common:required', { field: t('name') }) }, { max: nameMax }]}
                >
                  <Input placeholder={t(`${ns}:namePlaceholder`)} style={{ width: 240 }} data-testid="segment-name" maxLength={nameMax} />
                </Form.Item>
                <Form.Item>
                  <Button type="primary" onClick={() => void onSave()} loading={save.isPending} disabled={!complete} data-testid="segment-save">
                    {editing ? t('update') : t('saveNew')}
                  </Button>
                </Form.Item>
              </Form>
            </Card>
            <Card size="small">
              <Flex align="baseline" gap={8} wrap>
                <Typography.Text strong style={{ fontSize: 16 }}>
                  {t(`${ns}:matching`)}
                </Typography.Text>
                <Typography.Text strong style={{ fontSize: 28, color: '#1677ff' }} data-testid="segment-count">
                  {complete && preview.data ? preview.data.count : '—'}
                </Typography.Text>
                <Typography.Text>{t(props.unitKey)}</Typography.Text>
                {complete && (preview.isFetching || debounced !== rule) ? <Spin size="small" /> : null}
                {preview.data && countExtra ? countExtra(preview.data) : null}
              </Flex>
              {complete && preview.data ? <SampleList {...props} sample={preview.data.sample} /> : null}
            </Card>
            {editing ? <MembersCard {...props} segment={editing} /> : null}
          </Flex>
        </Col>
      </Row>
    </>
  );
}

function SampleList<C extends { type: string }, S extends SavedSegment<C>, I extends object, P extends SegmentPreview<I>>(
  props: SegmentWorkspaceProps<C, S, I, P> & { sample: I[] },
) {
  const { ns, sample, itemKey, itemPath, renderSampleItem } = props;
  const { t } = useTranslation(['segments', ns] as const);
  if (sample.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(`${ns}:noSample`)} />;
  return (
    <>
      <Typography.Text type="secondary" style={{ display: 'block', margin: '12px 0 4px' }}>
        {t(`${ns}:sample`)}
      </Typography.Text>
      <Flex wrap gap={props.sampleGap}>
        {sample.map((item) => (
          <Link key={itemKey(item)} to={itemPath(item)} data-testid="segment-sample-row">
            {renderSampleItem(item)}
          </Link>
        ))}
      </Flex>
    </>
  );
}

function MembersCard<C extends { type: string }, S extends SavedSegment<C>, I extends object, P extends SegmentPreview<I>>(
  props: SegmentWorkspaceProps<C, S, I, P> & { segment: S },
) {
  const { segment, hooks, memberActions } = props;
  const { t } = useTranslation(['segments', props.ns] as const);
  // The opened segment is not in the URL, so neither is the page of its members.
  const paging = useLocalPaging(segment.id);
  const members = hooks.useMembers(segment.id, paging.page, paging.pageSize);
  const exportButton = <ExportButton size="small" href={props.exportUrl(segment.id)} />;
  return (
    <Card
      size="small"
      title={t(props.membersTitleKey, { name: segment.name })}
      extra={
        memberActions ? (
          <Space>
            {memberActions(segment)}
            {exportButton}
          </Space>
        ) : (
          exportButton
        )
      }
    >
      <ListTable<I>
        rowKey={props.itemKey}
        size="small"
        columns={props.memberColumns}
        query={members}
        paging={paging}
        rowTestId="segment-member-row"
        onRowClick={props.onMemberClick}
      />
    </Card>
  );
}
