import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import type { ComponentType } from 'preact';

/**
 * A page whose code (and its libraries) loads when the agent first opens it, so the inbox does not
 * wait for it: `const Reports = lazyPage(() => import('./reports.tsx').then((m) => m.Reports))`.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>, name: string): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function LazyPage(props: P) {
    const page = useSignal(loaded);
    const error = useSignal('');
    useEffect(() => {
      if (loaded) return;
      load().then(
        (component) => (page.value = loaded = component),
        (failure: unknown) => (error.value = `Threadline: failed to load the ${name} page: ${failure instanceof Error ? failure.message : String(failure)}. Check the connection and reload the console.`),
      );
    }, []);
    if (error.value) return <p class="error banner" role="alert">{error.value}</p>;
    const Page = page.value;
    return Page ? <Page {...props} /> : <p class="loading">Loading the {name} page…</p>;
  };
}
