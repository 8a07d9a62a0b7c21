import { Tag } from 'antd';
import { useLabels } from '../../lib/labels';
import type { Role } from '@pond/contracts/auth';

const COLORS: Record<Role, string> = {
  admin: 'red',
  operator: 'blue',
  store_manager: 'orange',
  staff: 'green',
};

export function RoleTag({ role }: { role: Role }) {
  const labels = useLabels();
  return <Tag color={COLORS[role]}>{labels.role(role)}</Tag>;
}
