/**
 * The widget's language: the `locale` option or attribute, else the page's `<html lang>`, else the
 * browser's. Every language is a separate chunk loaded on demand, so a visitor downloads one; the
 * launcher carries its English label until then.
 */
import { pickLocale } from '../launcher.ts';
import type { Strings } from './en.ts';

export { pickLocale };

export type { Strings };

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
