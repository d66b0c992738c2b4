/**
 * The widget's language: the `locale` option or attribute, else the page's `<html lang>`, else the
 * browser's. Every language is a separate chunk loaded on demand, so a visitor downloads one; the
 * launcher carries its English label until then.
 */
import { OPEN, pickLocale } from '../launcher.ts';
import type { Strings } from './en.ts';

export { pickLocale };

export type { Strings };
export type LauncherStrings = Pick<Strings, 'dir' | 'open' | 'openUnread' | 'close'>;
export const launcherEnglish: LauncherStrings = { dir: 'ltr', open: OPEN.en!, openUnread: (n) => `Open chat, ${n} unread`, close: 'Close chat' };

const LOADERS: Record<string, () => Promise<{ default: Strings }>> = {
  en: () => import('./en.ts'),
  fr: () => import('./fr.ts'),
  es: () => import('./es.ts'),
  de: () => import('./de.ts'),
  pt: () => import('./pt.ts'),
  ar: () => import('./ar.ts'),
};

export async function loadStrings(locale: string): Promise<Strings> {
  return (await (LOADERS[locale] ?? LOADERS.en!)()).default;
}
