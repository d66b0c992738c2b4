/**
 * The words of the sheets (verify, "Continue on…", rating), apart from the chat's: each language a
 * chunk loaded with the first sheet a visitor opens, so sending a first message downloads none.
 */
import type { Strings } from '../index.ts';
import type { SheetStrings } from './en.ts';

export type { SheetStrings };

const LOADERS: Record<string, () => Promise<{ default: SheetStrings }>> = {
  en: () => import('./en.ts'),
  fr: () => import('./fr.ts'),
  es: () => import('./es.ts'),
  de: () => import('./de.ts'),
  pt: () => import('./pt.ts'),
  ar: () => import('./ar.ts'),
};

/** The chat's words with the sheets' added, in `t`'s language. */
export async function withSheetStrings(t: Strings, locale: string): Promise<Strings & SheetStrings> {
  return { ...t, ...(await (LOADERS[locale] ?? LOADERS.en!)()).default };
}
