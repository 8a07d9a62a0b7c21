// Create or edit a welcome template: scope (code, staff or default), text with placeholders,
// attachments, and beside them the message as the customer's phone will show it.
import { Alert, App, Button, Col, Drawer, Flex, Form, Input, Radio, Row, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { showFieldError } from '../../lib/form-errors';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { StaffMultiSelect } from '../staff/pickers';
import { cleanAttachment, isComplete } from './attachments-editor';
import { ContentEditor, contentOf } from './content-editor';
import {
  PLACEHOLDERS,
  useCreateTemplate,
  useUpdateTemplate,
  useWelcomePreview,
  WELCOME_SCOPES,
  type Attachment,
  type TemplateInput,
  type WelcomeScope,
  type WelcomeTemplate,
} from './hooks';
import { PhonePreview } from './phone-preview';
import { useTextRules } from '../../lib/form-rules';

interface TemplateForm {
  name: string;
  scope: WelcomeScope;
  userids: string[];
  text: string;
  attachments: Attachment[];
}

interface Props {
  template: WelcomeTemplate | null;
  /** The scope a new template starts with; `lockScope` keeps it (a code's own welcome). */
  scope?: WelcomeScope;
  lockScope?: boolean;
  onClose: () => void;
  onSaved?: (template: WelcomeTemplate) => void;
}

function toInput(v: Partial<TemplateForm>): TemplateInput {
  const scope = v.scope ?? 'code';
  return {
    name: (v.name ?? '').trim(),
    scope,
    userids: scope === 'staff' ? v.userids ?? [] : [],
    ...contentOf(v),
  };
}

export function TemplateDrawer({ template, scope = 'code', lockScope = false, onClose, onSaved }: Props) {
  const { t } = useTranslation(['welcome', 'common']);
  const textRules = useTextRules();
  const { message } = App.useApp();
  const [form] = Form.useForm<TemplateForm>();
  const create = useCreateTemplate();
  const update = useUpdateTemplate();
  const archived = template?.status === 'archived';

  const currentScope = (Form.useWatch('scope', form) as WelcomeScope | undefined) ?? template?.scope ?? scope;
  const text = (Form.useWatch('text', form) as string | undefined) ?? '';
  const attachments = Form.useWatch('attachments', form) as Attachment[] | undefined;
  const userids = Form.useWatch('userids', form) as string[] | undefined;

  // The preview follows the draft, half a second behind typing.
  const draft = useDebouncedValue(
    JSON.stringify({ text, attachments: attachments ?? template?.attachments ?? [], userids: currentScope === 'staff' ? userids ?? [] : [] }),
    500,
  );
  const content = useMemo(() => {
    const d = JSON.parse(draft) as { text: string; attachments: Attachment[]; userids: string[] };
    const all = d.attachments.filter((a) => !!a?.msgtype);
    const ready = all.filter(isComplete).map(cleanAttachment);
    if (!d.text.trim() && ready.length === 0) return null;
    return { text: d.text, attachments: ready, userids: d.userids, pending: all.length - ready.length };
  }, [draft]);
  const preview = useWelcomePreview(content && { text: content.text, attachments: content.attachments, userids: content.userids });

  const submit = async () => {
    // An invalid form shows its messages under the fields; nothing else to do.
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    const input = toInput(values);
    try {
      const saved = template ? await update.mutateAsync({ id: template.id, input }) : await create.mutateAsync(input);
      void message.success(template ? t('common:saved') : t('common:created'));
      onSaved?.(saved);
      onClose();
    } catch (error) {
      showFieldError(form, error);
    }
  };

  return (
    <Drawer
      open
      size={1080}
      title={template ? t('edit') : t('create')}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Flex gap={8}>
          <Button onClick={onClose}>{t('common:cancel')}</Button>
          <Button type="primary" onClick={() => void submit()} loading={create.isPending || update.isPending} disabled={archived} data-testid="welcome-save">
            {t('common:save')}
          </Button>
        </Flex>
      }
    >
      {archived ? <Alert type="info" showIcon title={t('archivedNote')} style={{ marginBottom: 16 }} /> : null}
      <Row gutter={24}>
        <Col xs={24} lg={15}>
          <Form<TemplateForm>
            form={form}
            layout="vertical"
            disabled={archived}
            initialValues={{
              name: template?.name ?? '',
              scope: template?.scope ?? scope,
              userids: template?.userids ?? [],
              text: template?.text ?? '',
              attachments: template?.attachments ?? [],
            }}
          >
            <Form.Item
              name="name"
              label={t('name')}
              rules={textRules(t('name'), 60)}
            >
              <Input maxLength={60} placeholder={t('namePlaceholder')} data-testid="welcome-name" />
            </Form.Item>
            <Form.Item name="scope" label={t('scope')} extra={t(`scopeHelp.${currentScope}`)}>
              <Radio.Group
                optionType="button"
                disabled={lockScope}
                options={WELCOME_SCOPES.map((s) => ({ value: s, label: t(`scopes.${s}`) }))}
              />
            </Form.Item>
            {currentScope === 'staff' ? (
              <Form.Item
                name="userids"
                label={t('userids')}
                extra={t('useridsHelp')}
                rules={[{ required: true, type: 'array', min: 1, message: t('useridsRequired') }]}
              >
                <StaffMultiSelect followOnly />
              </Form.Item>
            ) : null}
            <ContentEditor
              form={form}
              textLabel={t('text')}
              attachmentsLabel={t('attachmentsLabel')}
              placeholders={PLACEHOLDERS}
              placeholderLabel={(key) => t(`placeholders.${key}`)}
              placeholderHelp={(key) => t(`placeholderHelp.${key}`)}
              contentRequired={t('contentRequired')}
              textTestId="welcome-text"
              textPlaceholder={t('textPlaceholder')}
              disabled={archived}
            />
          </Form>
        </Col>
        <Col xs={24} lg={9}>
          <div style={{ position: 'sticky', top: 0 }}>
            <Typography.Title level={5} style={{ marginTop: 0 }}>
              {t('preview.title')}
            </Typography.Title>
            {content?.pending ? (
              <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                {t('preview.pending', { n: content.pending })}
              </Typography.Paragraph>
            ) : null}
            {content ? (
              <PhonePreview preview={preview.data} loading={preview.isFetching} error={preview.error} />
            ) : (
              <div className="pond-phone">
                <div className="pond-phone-bar">{t('preview.staff')}</div>
                <div className="pond-phone-body">
                  <Typography.Text type="secondary">{t('preview.empty')}</Typography.Text>
                </div>
              </div>
            )}
          </div>
        </Col>
      </Row>
    </Drawer>
  );
}
