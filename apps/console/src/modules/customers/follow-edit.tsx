// Editing one follow relation from the customer page: its remark, description, phone numbers and
// company remark (WeCom `remark`), and its corp tags (WeCom `mark_tag`). The server writes to WeCom
// first, so what the forms check here are WeCom's own limits; whatever the server still refuses is
// shown under the field it names (or above the form for a refusal of the whole edit, e.g. 403).
import { DeleteOutlined, PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { Alert, App, Button, Empty, Flex, Form, Input, Modal, Skeleton, Tag, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { FormModal } from '../../components/form-modal';
import { useMe } from '../auth/hooks';
import { useTagIndex, useTags } from '../tags/hooks';
import { FOLLOW_LIMITS, MOBILE_PATTERN, useChangeFollowTags, useUpdateFollow, type Follow, type FollowPatch } from './hooks';

/** Whether the signed-in user may try to edit this relation. Staff edit only their own; the server has the last word (store managers: their stores' staff). */
export function useCanEditFollow(): (follow: Follow) => boolean {
  const me = useMe().data;
  return (follow) => follow.status === 'active' && !!me && (me.role !== 'staff' || (!!me.staffUserid && me.staffUserid === follow.userid));
}

/** "Changes are written to WeCom". */
export function WecomSyncHint({ block }: { block?: boolean }) {
  const { t } = useTranslation('customers');
  if (block) return <Alert type="info" showIcon icon={<SyncOutlined />} title={t('edit.syncHint')} style={{ marginBottom: 16 }} />;
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
      <SyncOutlined /> {t('edit.syncHint')}
    </Typography.Text>
  );
}

/** A refusal of the whole edit (not of one field): no permission, relation ended, WeCom said no. */
function useRefusal(): (error: unknown) => string | null {
  const { t } = useTranslation('customers');
  return (error) => {
    if (!(error instanceof ApiError)) return null;
    if (error.status === 403) return t('edit.forbidden');
    if (error.status === 409) return t('edit.ended');
    return error.field ? null : error.message;
  };
}

interface FollowForm {
  remark: string;
  description: string;
  remarkMobiles: string[];
  remarkCorpName: string;
}

const trim = (v: unknown) => (typeof v === 'string' ? v.trim() : v);

export function FollowEditModal({
  externalUserid,
  follow,
  customerType,
  onClose,
}: {
  externalUserid: string;
  follow: Follow;
  customerType: number;
  onClose: () => void;
}) {
  const { t } = useTranslation(['customers', 'common']);
  const { message } = App.useApp();
  const [form] = Form.useForm<FollowForm>();
  const update = useUpdateFollow(externalUserid);
  const [refusal, setRefusal] = useState<string | null>(null);
  const refusalOf = useRefusal();

  const maxRule = (max: number): Rule => ({ type: 'string', max, transform: trim, message: t('edit.tooLong', { max }) });

  // What the form opened with: "changed" means changed from what the person saw, even if the relation is re-read
  // (its details arriving from WeCom) while the form is open.
  const [initial] = useState<FollowForm>(() => ({
    remark: follow.remark ?? '',
    description: follow.description ?? '',
    remarkMobiles: follow.remarkMobiles ?? [],
    remarkCorpName: follow.remarkCorpName ?? '',
  }));

  const save = async (v: FollowForm) => {
    // Only what changed goes to WeCom (and onto the timeline).
    const patch: FollowPatch = {};
    const remark = v.remark.trim();
    const description = v.description.trim();
    const remarkCorpName = v.remarkCorpName.trim();
    const remarkMobiles = (v.remarkMobiles ?? []).map((m) => m.trim());
    if (remark !== initial.remark) patch.remark = remark;
    if (description !== initial.description) patch.description = description;
    if (remarkCorpName !== initial.remarkCorpName) patch.remarkCorpName = remarkCorpName;
    if (remarkMobiles.join('\n') !== initial.remarkMobiles.join('\n')) patch.remarkMobiles = remarkMobiles;
    if (Object.keys(patch).length === 0) return; // nothing changed: the modal just closes
    setRefusal(null);
    await update.mutateAsync({ userid: follow.userid, patch });
    void message.success(t('edit.saved'));
  };

  return (
    <FormModal<FollowForm>
      width={560}
      title={t('edit.title', { name: follow.staffName || follow.userid })}
      okText={t('common:save')}
      cancelText={t('common:cancel')}
      okButtonProps={{ 'data-testid': 'follow-edit-save' }}
      form={form}
      initialValues={initial}
      onSubmit={save}
      onError={(error, onField) => {
        if (!onField) setRefusal(refusalOf(error));
      }}
      onClose={onClose}
    >
      <WecomSyncHint block />
      {refusal ? <Alert type="error" showIcon title={refusal} style={{ marginBottom: 16 }} /> : null}
      <Form.Item name="remark" label={t('edit.remark')} rules={[maxRule(FOLLOW_LIMITS.remark)]}>
        <Input
          count={{ show: true, max: FOLLOW_LIMITS.remark }}
          placeholder={t('edit.remarkPlaceholder')}
          data-testid="follow-edit-remark"
          autoFocus
        />
      </Form.Item>
      <Form.Item name="description" label={t('edit.description')} rules={[maxRule(FOLLOW_LIMITS.description)]}>
        <Input.TextArea
          count={{ show: true, max: FOLLOW_LIMITS.description }}
          autoSize={{ minRows: 2, maxRows: 5 }}
          placeholder={t('edit.descriptionPlaceholder')}
          data-testid="follow-edit-description"
        />
      </Form.Item>
      <Form.Item label={t('edit.mobiles')} extra={t('edit.mobilesHelp', { max: FOLLOW_LIMITS.mobiles })} style={{ marginBottom: 16 }}>
        <Form.List name="remarkMobiles">
          {(fields, { add, remove }, { errors }) => (
            <Flex vertical gap={8}>
              {fields.map((field) => (
                <Flex key={field.key} gap={8} align="start">
                  <Form.Item
                    name={field.name}
                    style={{ margin: 0, flex: 1 }}
                    validateTrigger={['onChange', 'onBlur']}
                    rules={[
                      { required: true, whitespace: true, message: t('edit.mobileRequired') },
                      { pattern: MOBILE_PATTERN, transform: trim, message: t('edit.mobileInvalid', { max: FOLLOW_LIMITS.mobile }) },
                    ]}
                  >
                    <Input inputMode="tel" maxLength={40} placeholder={t('edit.mobilePlaceholder')} data-testid="follow-edit-mobile" />
                  </Form.Item>
                  <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common:delete')} onClick={() => remove(field.name)} />
                </Flex>
              ))}
              {fields.length < FOLLOW_LIMITS.mobiles ? (
                <div>
                  <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add('')} data-testid="follow-edit-mobile-add">
                    {t('edit.addMobile')}
                  </Button>
                </div>
              ) : null}
              <Form.ErrorList errors={errors} />
            </Flex>
          )}
        </Form.List>
      </Form.Item>
      <Form.Item
        name="remarkCorpName"
        label={t('edit.corpName')}
        rules={[maxRule(FOLLOW_LIMITS.remarkCorpName)]}
        extra={customerType === 2 ? t('edit.corpNameWechatOnly') : undefined}
      >
        <Input count={{ show: true, max: FOLLOW_LIMITS.remarkCorpName }} data-testid="follow-edit-corp" />
      </Form.Item>
    </FormModal>
  );
}

/** Corp tags under their groups, each one toggled on or off; ids Pond doesn't know are kept as they are. */
function GroupedTagPicker({ value, onChange }: { value: ReadonlySet<string>; onChange: (next: Set<string>) => void }) {
  const { t } = useTranslation('customers');
  const tags = useTags();
  const [filter, setFilter] = useState('');
  const q = filter.trim().toLowerCase();
  const groups = (tags.data?.groups ?? [])
    .map((g) => ({
      ...g,
      tags: [...g.tags]
        .sort((a, b) => a.order - b.order)
        .filter((tag) => !q || tag.name.toLowerCase().includes(q) || g.name.toLowerCase().includes(q)),
    }))
    .filter((g) => g.tags.length > 0);

  if (tags.isLoading) return <Skeleton active paragraph={{ rows: 4 }} />;
  if ((tags.data?.groups ?? []).every((g) => g.tags.length === 0)) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('edit.noTags')} />;
  }
  const toggle = (id: string, on: boolean) => {
    const next = new Set(value);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  };
  return (
    <Flex vertical gap={12}>
      <Input.Search allowClear placeholder={t('edit.tagFilter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
      <div style={{ maxHeight: 360, overflowY: 'auto' }}>
        {groups.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('edit.noTagMatch')} />
        ) : (
          <Flex vertical gap={12}>
            {groups.map((g) => (
              <div key={g.id} data-testid="follow-tag-group">
                <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, marginBottom: 4 }}>
                  {g.name}
                </Typography.Text>
                <Flex wrap gap={6}>
                  {g.tags.map((tag) => (
                    <Tag.CheckableTag
                      key={tag.id}
                      checked={value.has(tag.id)}
                      onChange={(on) => toggle(tag.id, on)}
                      style={{ border: '1px solid #d9d9d9', marginInlineEnd: 0 }}
                    >
                      <span data-testid="follow-tag-option" data-tag-id={tag.id}>
                        {tag.name}
                      </span>
                    </Tag.CheckableTag>
                  ))}
                </Flex>
              </div>
            ))}
          </Flex>
        )}
      </div>
    </Flex>
  );
}

export function FollowTagsModal({ externalUserid, follow, onClose }: { externalUserid: string; follow: Follow; onClose: () => void }) {
  const { t } = useTranslation(['customers', 'common']);
  const { message } = App.useApp();
  const index = useTagIndex();
  const change = useChangeFollowTags(externalUserid);
  const current = useMemo(() => new Set(follow.tagIds ?? []), [follow.tagIds]);
  const [selected, setSelected] = useState<Set<string>>(() => new Set(current));
  const [refusal, setRefusal] = useState<string | null>(null);
  const refusalOf = useRefusal();

  const add = [...selected].filter((id) => !current.has(id));
  const remove = [...current].filter((id) => !selected.has(id));
  const dirty = add.length + remove.length > 0;
  const name = (id: string) => index.get(id)?.name ?? id;

  const save = async () => {
    if (!dirty) {
      onClose();
      return;
    }
    setRefusal(null);
    try {
      await change.mutateAsync({ userid: follow.userid, add, remove });
      void message.success(t('edit.tagsSaved'));
      onClose();
    } catch (error) {
      setRefusal(refusalOf(error) ?? (error instanceof ApiError ? error.message : String(error)));
    }
  };

  return (
    <Modal
      open
      width={600}
      title={t('edit.tagsTitle', { name: follow.staffName || follow.userid })}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common:cancel')}
        </Button>,
        <Button key="save" type="primary" loading={change.isPending} disabled={!dirty} onClick={() => void save()} data-testid="follow-tags-save">
          {t('common:save')}
        </Button>,
      ]}
    >
      <WecomSyncHint block />
      {refusal ? <Alert type="error" showIcon title={refusal} style={{ marginBottom: 16 }} /> : null}
      <GroupedTagPicker value={selected} onChange={setSelected} />
      {dirty ? (
        <Flex vertical gap={4} style={{ marginTop: 16 }} data-testid="follow-tags-diff">
          {add.length > 0 ? (
            <div>
              <Typography.Text type="secondary">{t('edit.tagsAdd')}</Typography.Text>
              {add.map((id) => (
                <Tag key={id} color="green" style={{ marginBlock: 2 }}>
                  + {name(id)}
                </Tag>
              ))}
            </div>
          ) : null}
          {remove.length > 0 ? (
            <div>
              <Typography.Text type="secondary">{t('edit.tagsRemove')}</Typography.Text>
              {remove.map((id) => (
                <Tag key={id} color="red" style={{ marginBlock: 2 }}>
                  − {name(id)}
                </Tag>
              ))}
            </div>
          ) : null}
        </Flex>
      ) : null}
    </Modal>
  );
}
