import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';

/**
 * Puts the server's validation message under the field it names, when the form has that field.
 * Returns whether it did. The global toast still reports the error either way.
 */
export function showFieldError(form: FormInstance, error: unknown): boolean {
  if (!(error instanceof ApiError) || !error.field) return false;
  const name = error.field.split('.')[0]!;
  if (!(name in form.getFieldsValue(true))) return false;
  form.setFields([{ name, errors: [error.message] }]);
  return true;
}
