/**
 * The widget's words. The host page picks the language (the `locale` option or attribute, else the
 * page's `<html lang>`, else the browser's: `pickLocale` in launcher.ts) and tells the frame. Every
 * language is a separate chunk loaded on demand, so a visitor downloads one; the launcher carries
 * its label in each language until the frame's strings arrive.
 */
import type { Strings } from './en.ts';

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
