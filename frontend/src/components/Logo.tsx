import { Group, Text } from '@mantine/core';

export function LogoMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden focusable="false">
      <path d="M16 2 4 7v8c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V7z" fill="var(--mantine-color-indigo-6)" />
      <path
        d="m11 16 3.5 3.5L21.5 12"
        fill="none"
        stroke="#fff"
        strokeWidth="2.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export function Logo() {
  return (
    <Group gap={10} wrap="nowrap">
      <LogoMark />
      <Text fw={700} size="lg" style={{ letterSpacing: '-0.01em', whiteSpace: 'nowrap' }} visibleFrom="xs">
        AI Governance Hub
      </Text>
    </Group>
  );
}
