import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';

type NamePath = (string | number)[];

const sameName = (a: NamePath, b: NamePath) => a.length === b.length && a.every((part, i) => String(part) === String(b[i]));

/**
 * Puts the server's validation message under the field it names, when the form has that field.
 * Returns whether it did. The global toast still reports the error either way.
 *
 * A nested name such as `pool.1.dailyCap` lands on the deepest field the form has registered
 * (`['pool', 1, 'dailyCap']`, else `['pool', 1]`, else `pool`), so list rows and custom editors
 * bound to a whole object (a schedule) show the message where the mistake is.
 */
export function showFieldError(form: FormInstance, error: unknown): boolean {
  if (!(error instanceof ApiError) || !error.field) return false;
  const path: NamePath = error.field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const registered = form.getFieldsError().map((f) => f.name);
  for (let n = path.length; n >= 1; n--) {
    const name = path.slice(0, n);
    const match = registered.find((r) => sameName(r, name));
    if (match) {
      form.setFields([{ name: match, errors: [error.message] }]);
      form.scrollToField(match, { block: 'center' });
      return true;
    }
  }
  const name = path[0] as string;
  if (!(name in form.getFieldsValue(true))) return false;
  form.setFields([{ name, errors: [error.message] }]);
  return true;
}
