import { SearchOutlined } from '@ant-design/icons';
import { Input } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';

interface Props {
  value: string | undefined;
  onSearch: (value: string) => void;
  placeholder?: string;
  width?: number;
  testId?: string;
}

/**
 * A search box bound to a URL parameter: searches as you type (debounced) and on Enter, and
 * follows the parameter when it changes from outside (back button, a link with `?q=`).
 */
export function SearchInput({ value, onSearch, placeholder, width = 240, testId }: Props) {
  const [text, setText] = useState(value ?? '');
  const lastSent = useRef(value ?? '');

  useEffect(() => {
    if ((value ?? '') !== lastSent.current) {
      lastSent.current = value ?? '';
      setText(value ?? '');
    }
  }, [value]);

  // The latest callback, kept current after each render, so the debounce timer never calls a stale one.
  const onSearchRef = useRef(onSearch);
  useEffect(() => {
    onSearchRef.current = onSearch;
  });

  const send = useCallback((next: string) => {
    const trimmed = next.trim();
    if (trimmed === lastSent.current) return;
    lastSent.current = trimmed;
    onSearchRef.current(trimmed);
  }, []);

  useEffect(() => {
    const timer = window.setTimeout(() => send(text), 400);
    return () => window.clearTimeout(timer);
  }, [text, send]);

  return (
    <Input
      allowClear
      prefix={<SearchOutlined style={{ color: 'rgba(0, 0, 0, 0.35)' }} />}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onPressEnter={() => send(text)}
      placeholder={placeholder}
      style={{ width }}
      data-testid={testId}
    />
  );
}
