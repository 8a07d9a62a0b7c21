// Corps that invited the signed-in user: nothing of theirs is reachable until the user accepts here.
import { Alert, Button, Flex } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ItemList } from '../../api/client';
import { useLabels } from '../../lib/labels';
import type { Role } from './hooks';

interface Invitation { corpId: string; corpName: string; role: Role; invitedAt: string }

const invitationsKey = ['me', 'invitations'] as const;

export function Invitations({ onAccepted }: { onAccepted?: () => void }) {
  const { t } = useTranslation('auth');
  const labels = useLabels();
  const queryClient = useQueryClient();
  const invitations = useQuery({
    queryKey: invitationsKey,
    queryFn: ({ signal }) => api.get<ItemList<Invitation>>('/me/invitations', undefined, signal),
    retry: false,
  });
  const answer = useMutation({
    mutationFn: ({ corpId, accept }: { corpId: string; accept: boolean }) =>
      api.post<{ ok: true }>(`/me/invitations/${encodeURIComponent(corpId)}/${accept ? 'accept' : 'decline'}`),
    onSuccess: async (_r, { accept }) => {
      await queryClient.invalidateQueries({ queryKey: invitationsKey });
      if (accept) {
        await queryClient.invalidateQueries({ queryKey: ['me'], exact: true });
        onAccepted?.();
      }
    },
  });
  const items = invitations.data?.items ?? [];
  if (!items.length) return null;
  return (
    <Flex vertical gap={8} style={{ marginBottom: 16 }}>
      {items.map((inv) => (
        <Alert
          key={inv.corpId}
          type="info"
          showIcon
          data-testid="invitation"
          title={t('invitation', { corp: inv.corpName, role: labels.role(inv.role) })}
          action={
            <Flex gap={8}>
              <Button size="small" type="primary" loading={answer.isPending} onClick={() => answer.mutate({ corpId: inv.corpId, accept: true })}>
                {t('accept')}
              </Button>
              <Button size="small" loading={answer.isPending} onClick={() => answer.mutate({ corpId: inv.corpId, accept: false })}>
                {t('decline')}
              </Button>
            </Flex>
          }
        />
      ))}
    </Flex>
  );
}
