import { App, Form, Modal, type FormInstance, type ModalProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { showFieldError } from '../lib/form-errors';

export interface FormModalProps<V> {
  title: ReactNode;
  form: FormInstance<V>;
  initialValues?: Partial<V>;
  width?: ModalProps['width'];
  okText?: ReactNode;
  cancelText?: ReactNode;
  /** e.g. `{ 'data-testid': 'script-submit' }`. */
  okButtonProps?: ModalProps['okButtonProps'];
  /** Toasted when `onSubmit` resolves, before the modal closes. Leave it out to toast (or not) in `onSubmit`. */
  success?: string;
  /** Enter in a field submits too (a one-field form). */
  submitOnEnter?: boolean;
  /** Gets the validated values; saves them and resolves, or throws on failure. The modal then closes. */
  onSubmit: (values: V) => Promise<void>;
  /** After a failed `onSubmit`; `onField` tells whether the server's message went under a field of the form. */
  onError?: (error: unknown, onField: boolean) => void;
  onClose: () => void;
  /** The form's items, and whatever stands above them. */
  children: ReactNode;
}

/**
 * A form in a modal: OK validates the fields, hands the values to `onSubmit` (the OK button spinning
 * meanwhile), then toasts `success` and closes; a failure the server pins on a field shows under it
 * (the global toast reports every failure anyway). Rendered only while open: mount it to open it.
 */
export function FormModal<V>({
  title,
  form,
  initialValues,
  width,
  okText,
  cancelText,
  okButtonProps,
  success,
  submitOnEnter,
  onSubmit,
  onError,
  onClose,
  children,
}: FormModalProps<V>) {
  const { message } = App.useApp();
  const [pending, setPending] = useState(false);

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setPending(true);
    try {
      await onSubmit(values);
      if (success) void message.success(success);
      onClose();
    } catch (error) {
      // Not `onError?.(error, showFieldError(…))`: without an onError the arguments would not be evaluated.
      const onField = showFieldError(form, error);
      onError?.(error, onField);
    } finally {
      setPending(false);
    }
  };

  return (
    <Modal
      open
      title={title}
      width={width}
      okText={okText}
      cancelText={cancelText}
      okButtonProps={okButtonProps}
      onOk={() => void submit()}
      onCancel={onClose}
      confirmLoading={pending}
      destroyOnHidden
    >
      <Form<V> form={form} layout="vertical" initialValues={initialValues} onFinish={submitOnEnter ? () => void submit() : undefined}>
        {children}
      </Form>
    </Modal>
  );
}
