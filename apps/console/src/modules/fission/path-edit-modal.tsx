// 编辑裂变路径 Edit a path: its name, and for a service path its landing page and sign-up form (the wizard's own
// inputs, landing-form-fields.tsx); while it is a draft, which campaign its step links (and the service path's group
// code) — another eligible campaign replaces it, the one before is released. The server stays the authority: its 400 lands under the field it names (e.g.
// `form.fields` once customers have signed up), and an ended path cannot change (the page offers no button).
import { Alert, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/form-modal';
import { CodeSelect, EligibleSelect } from './campaign-pickers';
import { useUpdatePath, type FissionPathDetail, type UpdateBody } from './hooks';
import { LandingCard, SignupFormCard, formToBody, formToValues, landingToBody, landingToValues, withFormNames, type LandingValues, type SignupFormValues } from './landing-form-fields';

interface EditValues {
  name: string; landing?: LandingValues; form?: SignupFormValues;
  invite?: { campaignId?: number | null }; checkin?: { campaignId?: number | null }; groupCodeId?: number | null;
}

export function PathEditModal({ path, onClose }: { path: FissionPathDetail; onClose: () => void }) {
  const { t } = useTranslation(['fission', 'common']);
  const [form] = Form.useForm<EditValues>();
  const update = useUpdatePath(path.id);
  // Taken when the modal opens (the page refetches meanwhile; the form does not change under the operator).
  const step = path.model === 'product' ? 'checkin' : 'invite';
  const linkedNow = step === 'invite' ? path.inviteCampaignId : path.checkinCampaignId;
  const draft = path.status === 'draft';
  const [opened] = useState(() => ({
    fields: path.form?.fields,
    signedUp: path.funnel.steps.find((s) => s.key === 'signed_up')?.count ?? 0,
    values: {
      name: path.name,
      ...(path.landing ? { landing: landingToValues(path.landing) } : {}),
      ...(path.form ? { form: formToValues(path.form) } : {}),
      ...(draft ? { [step]: { campaignId: linkedNow }, groupCodeId: path.groupCodeId } : {}),
    } satisfies EditValues,
  }));
  const service = path.model === 'service';

  const submit = async (v: EditValues) => {
    // Fields shown disabled are sent as they were, so an unchanged list is never taken for a change.
    const formBody = v.form ? { ...formToBody(v.form), ...(opened.signedUp > 0 && opened.fields ? { fields: opened.fields } : {}) } : undefined;
    const body: UpdateBody = { name: v.name, ...(service ? { landing: landingToBody(v.landing), form: formBody } : {}) };
    // Links are sent only when changed (a published path's are fixed: the server refuses them).
    const picked = v[step]?.campaignId;
    if (draft && picked && picked !== linkedNow) body[step] = { campaignId: picked };
    if (draft && service && v.groupCodeId && v.groupCodeId !== path.groupCodeId) body.groupCodeId = v.groupCodeId;
    try {
      await update.mutateAsync(body);
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
        {draft ? (
          <Card title={t('edit.links')} size="small" style={{ marginBottom: 16 }}>
            <Form.Item name={[step, 'campaignId']} label={t(step === 'invite' ? 'detail.invite' : 'detail.checkin')} extra={t('edit.linksHelp')}>
              <EligibleSelect model={path.model} current={linkedNow} />
            </Form.Item>
            {service ? <Form.Item name="groupCodeId" label={t('detail.groupCode')}><CodeSelect kind="group" testId="fission-edit-group-code" /></Form.Item> : null}
          </Card>
        ) : null}
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
