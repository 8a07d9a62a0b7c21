// The service path's landing page and sign-up form as form items, shared by the wizard (creating a path) and the
// detail page's edit modal, with the conversion between the form's values and the contract's body both ways (a
// select's options are edited as lines of text, `optionsText`). The items keep the server's field names (landing.*,
// form.*), so its 400 lands under the field it names.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Flex, Form, Input, InputNumber, Select, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { FissionForm, FissionLanding, FormField } from './hooks';

export type FieldType = FormField['type'];
export interface FieldValues { key: string; label: string; type: FieldType; required: boolean; optionsText?: string; maxLength?: number }
export interface LandingValues { title: string; coverUrl?: string; body?: string; ctaText: string }
export interface SignupFormValues { title: string; unlockFriends: number; submitText: string; fields: FieldValues[] }

const FIELD_TYPES: readonly FieldType[] = ['name', 'phone', 'select', 'text'];

export function landingToBody(v: LandingValues | undefined): FissionLanding {
  return { title: v?.title ?? '', coverUrl: v?.coverUrl || null, body: v?.body ?? '', ctaText: v?.ctaText ?? '' };
}

export function formToBody(v: SignupFormValues | undefined): FissionForm {
  return {
    title: v?.title ?? '', unlockFriends: v?.unlockFriends ?? 0, submitText: v?.submitText ?? '',
    fields: (v?.fields ?? []).map((f) => ({
      key: f.key, label: f.label, type: f.type, required: !!f.required, maxLength: f.maxLength ?? 200,
      options: f.type === 'select' ? (f.optionsText ?? '').split('\n').map((o) => o.trim()).filter(Boolean) : [],
    })),
  };
}

/** The reverse of landingToBody: a path's landing page as the form's values. */
export function landingToValues(l: FissionLanding): LandingValues {
  return { title: l.title, coverUrl: l.coverUrl ?? undefined, body: l.body, ctaText: l.ctaText };
}

/** The reverse of formToBody: a path's form as the form's values. */
export function formToValues(f: FissionForm): SignupFormValues {
  return {
    title: f.title, unlockFriends: f.unlockFriends, submitText: f.submitText,
    fields: f.fields.map((x) => ({
      key: x.key, label: x.label, type: x.type, required: x.required, maxLength: x.maxLength,
      ...(x.type === 'select' ? { optionsText: x.options.join('\n') } : {}),
    })),
  };
}

/** The server names a select's `form.fields.<i>.options[.<j>]`; the form edits them as `optionsText`. */
export function withFormNames(error: unknown): unknown {
  if (!(error instanceof ApiError) || !error.field) return error;
  const field = error.field.replace(/^(form\.fields\.\d+)\.options(?:\.\d+)?$/, '$1.optionsText');
  return field === error.field ? error : new ApiError(error.status, error.code, error.message, field, error.details, error.hint);
}

export function LandingCard({ title }: { title: ReactNode }) {
  const { t } = useTranslation('fission');
  return (
    <Card title={title} size="small" style={{ marginBottom: 16 }}>
      <Form.Item name={['landing', 'title']} label={t('wizard.landingTitle')} rules={[{ required: true, max: 60 }]}><Input maxLength={60} data-testid="fission-landing-title" /></Form.Item>
      <Form.Item name={['landing', 'coverUrl']} label={t('wizard.coverUrl')}><Input placeholder="https://" data-testid="fission-cover-url" /></Form.Item>
      <Form.Item name={['landing', 'body']} label={t('wizard.body')}><Input.TextArea rows={4} maxLength={5000} /></Form.Item>
      <Form.Item name={['landing', 'ctaText']} label={t('wizard.ctaText')} rules={[{ required: true, max: 20 }]}><Input maxLength={20} style={{ width: 200 }} /></Form.Item>
    </Card>
  );
}

function FieldRow({ name, disabled, onRemove }: { name: number; disabled: boolean; onRemove: () => void }) {
  const { t } = useTranslation('fission');
  const type = Form.useWatch(['form', 'fields', name, 'type']) as FieldType | undefined;
  return (
    <Flex gap={8} wrap align="start">
      <Form.Item name={[name, 'key']} label={t('wizard.fieldKey')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,31}$/ }]}><Input style={{ width: 110 }} disabled={disabled} data-testid={`fission-field-key-${name}`} /></Form.Item>
      <Form.Item name={[name, 'label']} label={t('wizard.fieldLabel')} rules={[{ required: true, max: 40 }]}><Input style={{ width: 130 }} disabled={disabled} data-testid={`fission-field-label-${name}`} /></Form.Item>
      <Form.Item name={[name, 'type']} label={t('wizard.fieldType')}>
        <Select style={{ width: 150 }} disabled={disabled} options={FIELD_TYPES.map((k) => ({ value: k, label: t(`wizard.fieldTypes.${k}`) }))} />
      </Form.Item>
      <Form.Item name={[name, 'required']} label={t('wizard.required')} valuePropName="checked"><Checkbox disabled={disabled} /></Form.Item>
      {type === 'select' ? <Form.Item name={[name, 'optionsText']} label={t('wizard.options')} rules={[{ required: true }]}><Input.TextArea rows={3} style={{ width: 160 }} disabled={disabled} data-testid={`fission-field-options-${name}`} /></Form.Item> : null}
      {type === 'text' ? <Form.Item name={[name, 'maxLength']} label={t('wizard.maxLength')}><InputNumber min={1} max={500} disabled={disabled} /></Form.Item> : null}
      {disabled ? null : <Button type="text" icon={<MinusCircleOutlined />} onClick={onRemove} style={{ marginTop: 30 }} aria-label="remove" />}
    </Flex>
  );
}

/**
 * The sign-up form. `signedUp` > 0 (customers have answered): the fields are shown disabled with why — answers are
 * stored by field key, so the server refuses changing them (its 400 `form.fields` shows under the list).
 */
export function SignupFormCard({ title, signedUp = 0 }: { title: ReactNode; signedUp?: number }) {
  const { t } = useTranslation('fission');
  const locked = signedUp > 0;
  return (
    <Card title={title} size="small" style={{ marginBottom: 16 }}>
      <Flex gap={16} wrap>
        <Form.Item name={['form', 'title']} label={t('wizard.formTitle')} rules={[{ required: true, max: 60 }]}><Input style={{ width: 200 }} /></Form.Item>
        <Form.Item name={['form', 'unlockFriends']} label={t('wizard.unlockFriends')}><InputNumber min={0} max={100} data-testid="fission-unlock" /></Form.Item>
        <Form.Item name={['form', 'submitText']} label={t('wizard.submitText')} rules={[{ required: true, max: 20 }]}><Input style={{ width: 160 }} /></Form.Item>
      </Flex>
      <Typography.Text strong>{t('wizard.fields')}</Typography.Text>
      {locked ? <Alert type="info" showIcon style={{ margin: '8px 0' }} title={t('edit.fieldsLocked', { n: signedUp })} data-testid="fission-fields-locked" /> : null}
      <Form.List name={['form', 'fields']}>
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.map((field) => <FieldRow key={field.key} name={field.name} disabled={locked} onRemove={() => remove(field.name)} />)}
            {errors.length ? <Form.Item style={{ marginBottom: 8 }}><div data-testid="fission-fields-error"><Form.ErrorList errors={errors} /></div></Form.Item> : null}
            {!locked && fields.length < 20 ? <Button icon={<PlusOutlined />} onClick={() => add({ key: `field${fields.length + 1}`, label: '', type: 'text', required: false, maxLength: 200 })}>{t('wizard.addField')}</Button> : null}
          </>
        )}
      </Form.List>
    </Card>
  );
}
