import type { WalletEntry } from '@liuliang/shared';

/**
 * The history rows this visit has shown, by id, so a row's detail page opens at once without a
 * second request. A detail page opened without one (a reload) says so and leads home.
 */
const shown = new Map<string, WalletEntry>();
const MAX_REMEMBERED = 1_000;

export function rememberEntries(entries: readonly WalletEntry[]): void {
  for (const entry of entries) shown.set(entry.id, entry);
  while (shown.size > MAX_REMEMBERED) shown.delete(shown.keys().next().value as string);
}

export function shownEntry(id: string): WalletEntry | null {
  return shown.get(id) ?? null;
}
