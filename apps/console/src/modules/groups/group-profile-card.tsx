import { App, AutoComplete, Button, Card, Form, Input, Select } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { showFieldError } from '../../lib/form-errors';
import { useGroupTiers, useUpdateGroup, type GroupListItem } from './hooks';

interface Values {
  tier: string;
  labels: string[];
  persona: string;
  rulesText: string;
  announcementTemplate: string;
}

/** Tier, labels, owner persona (群主人设), rules (群规) and announcement template (群公告模板). */
export function GroupProfileCard({ group, canEdit }: { group: GroupListItem; canEdit: boolean }) {
  const { t } = useTranslation(['groups', 'common']);
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const tiers = useGroupTiers();
  const update = useUpdateGroup(group.chatId);

  useEffect(() => {
    form.setFieldsValue({
      tier: group.tier ?? '',
      labels: group.labels ?? [],
      persona: group.persona ?? '',
      rulesText: group.rulesText ?? '',
      announcementTemplate: group.announcementTemplate ?? '',
    });
  }, [form, group]);

  const submit = async () => {
    const v = await form.validateFields();
    try {
      await update.mutateAsync({
        tier: v.tier?.trim() || null,
        labels: (v.labels ?? []).map((l) => l.trim()).filter(Boolean),
        persona: v.persona?.trim() || null,
        rulesText: v.rulesText?.trim() || null,
        announcementTemplate: v.announcementTemplate?.trim() || null,
      });
      void message.success(t('common:saved'));
    } catch (error) {
      showFieldError(form, error);
    }
  };

  return (
    <Card
      title={t('profile')}
      extra={
        canEdit ? (
          <Button type="primary" onClick={() => void submit()} loading={update.isPending} data-testid="group-tier-save">
            {t('common:save')}
          </Button>
        ) : null
      }
    >
      <Form<Values> form={form} layout="vertical" disabled={!canEdit} style={{ maxWidth: 720 }}>
        <Form.Item name="tier" label={t('tier')} extra={t('tierHelp')} rules={[{ max: 30, message: t('common:maxChars', { n: 30 }) }]}>
          <AutoComplete
            allowClear
            options={(tiers.data?.tiers ?? []).map((x) => ({ value: x.tier }))}
            placeholder={t('tierPlaceholder')}
            style={{ maxWidth: 280 }}
          />
        </Form.Item>
        <Form.Item
          name="labels"
          label={t('labels')}
          extra={t('labelsHelp')}
          rules={[
            { type: 'array', max: 20, message: t('labelsMax') },
            {
              validator: (_, value: string[] | undefined) =>
                (value ?? []).every((l) => l.trim().length <= 30) ? Promise.resolve() : Promise.reject(new Error(t('common:maxChars', { n: 30 }))),
            },
          ]}
        >
          <Select mode="tags" tokenSeparators={[',', '，']} options={(tiers.data?.labels ?? []).map((x) => ({ value: x.label, label: x.label }))} />
        </Form.Item>
        <Form.Item name="persona" label={t('persona')} rules={[{ max: 1000, message: t('common:maxChars', { n: 1000 }) }]}>
          <Input.TextArea rows={3} maxLength={1000} showCount placeholder={t('personaPlaceholder')} />
        </Form.Item>
        <Form.Item name="rulesText" label={t('rulesText')} rules={[{ max: 2000, message: t('common:maxChars', { n: 2000 }) }]}>
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
        <Form.Item name="announcementTemplate" label={t('announcementTemplate')} rules={[{ max: 4000, message: t('common:maxChars', { n: 4000 }) }]}>
          <Input.TextArea rows={4} maxLength={4000} showCount />
        </Form.Item>
      </Form>
    </Card>
  );
}
