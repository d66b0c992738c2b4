import { useEffect, useRef } from 'preact/hooks';

/** Keeps a scrollable element pinned to its bottom when `dependency` changes. */
export function useStickToBottom<T extends HTMLElement>(dependency: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (ref.current) ref.current.scrollTop = ref.current.scrollHeight;
  }, [dependency]);
  return ref;
}
