import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

type Props =
  | { error: unknown; onRetry?: () => void; query?: never }
  /** A query: nothing while it has no error, its error with a retry otherwise. */
  | { query: { error: unknown; refetch: () => unknown }; error?: never; onRetry?: never };

/** Inline error for a failed query: the server's message, and a retry when it may help. */
export function QueryError(props: Props) {
  const { t } = useTranslation();
  const { query } = props;
  const error = query ? query.error : props.error;
  const onRetry = query ? () => void query.refetch() : props.onRetry;
  if (query && !error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const description = error instanceof ApiError && error.hint ? `${message} — ${error.hint}` : message;
  const retryable = !(error instanceof ApiError) || error.status === 0 || error.status >= 500;
  return (
    <Alert
      type="error"
      showIcon
      title={t('loadFailed')}
      description={description}
      action={
        onRetry && retryable ? (
          <Button size="small" onClick={onRetry}>
            {t('retry')}
          </Button>
        ) : undefined
      }
      style={{ marginBottom: 16 }}
    />
  );
}
