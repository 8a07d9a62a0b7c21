import { Avatar, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';

interface Props {
  name: string | null | undefined;
  avatar?: string | null;
  sub?: ReactNode;
  suffix?: ReactNode;
  size?: number;
}

/** Avatar + name (+ a secondary line), the way WeCom lists people. */
export function Person({ name, avatar, sub, suffix, size = 32 }: Props) {
  const label = name || '—';
  return (
    <Flex align="center" gap={8} style={{ minWidth: 0 }}>
      <Avatar src={avatar || undefined} size={size} style={{ flex: 'none', backgroundColor: avatar ? undefined : '#91caff' }}>
        {label.slice(0, 1)}
      </Avatar>
      <div style={{ minWidth: 0 }}>
        <div>
          <Typography.Text strong>{label}</Typography.Text>
          {suffix}
        </div>
        {sub ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {sub}
          </Typography.Text>
        ) : null}
      </div>
    </Flex>
  );
}
