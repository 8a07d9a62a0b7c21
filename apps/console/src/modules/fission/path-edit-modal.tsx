// 编辑裂变路径 Edit a path: its name, and for a service path its landing page and sign-up form (the wizard's own
// inputs, landing-form-fields.tsx). The server stays the authority: its 400 lands under the field it names (e.g.
// `form.fields` once customers have signed up), and an ended path cannot change (the page offers no button).
import { Alert, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/form-modal';
import { useUpdatePath, type FissionPathDetail } from './hooks';
import { LandingCard, SignupFormCard, formToBody, formToValues, landingToBody, landingToValues, withFormNames, type LandingValues, type SignupFormValues } from './landing-form-fields';

interface EditValues { name: string; landing?: LandingValues; form?: SignupFormValues }

export function PathEditModal({ path, onClose }: { path: FissionPathDetail; onClose: () => void }) {
  const { t } = useTranslation(['fission', 'common']);
  const [form] = Form.useForm<EditValues>();
  const update = useUpdatePath(path.id);
  // Taken when the modal opens (the page refetches meanwhile; the form does not change under the operator).
  const [opened] = useState(() => ({
    fields: path.form?.fields,
    signedUp: path.funnel.steps.find((s) => s.key === 'signed_up')?.count ?? 0,
    values: {
      name: path.name,
      ...(path.landing ? { landing: landingToValues(path.landing) } : {}),
      ...(path.form ? { form: formToValues(path.form) } : {}),
    } satisfies EditValues,
  }));
  const service = path.model === 'service';

  const submit = async (v: EditValues) => {
    // Fields shown disabled are sent as they were, so an unchanged list is never taken for a change.
    const formBody = v.form ? { ...formToBody(v.form), ...(opened.signedUp > 0 && opened.fields ? { fields: opened.fields } : {}) } : undefined;
    try {
      await update.mutateAsync({ name: v.name, ...(service ? { landing: landingToBody(v.landing), form: formBody } : {}) });
    } catch (e) {
      throw withFormNames(e);
    }
  };

  return (
    <FormModal<EditValues>
      width={service ? 900 : 520}
      title={t('edit.title')}
      form={form}
      initialValues={opened.values}
      okText={t('common:save')}
      okButtonProps={{ 'data-testid': 'fission-edit-save' }}
      success={t('common:saved')}
      onSubmit={submit}
      onClose={onClose}
    >
      <div data-testid="fission-edit-form">
        <Form.Item name="name" label={t('wizard.name')} rules={[{ required: true, max: 60 }]}><Input maxLength={60} data-testid="fission-name" /></Form.Item>
        {service ? (
          <>
            <LandingCard title={t('wizard.landing')} />
            <SignupFormCard title={t('wizard.form')} signedUp={opened.signedUp} />
          </>
        ) : null}
        <Alert type="info" showIcon title={t('edit.campaignsNote')} />
      </div>
    </FormModal>
  );
}
