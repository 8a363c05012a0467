import { normalizeText } from '../commands/parse';

/**
 * Removes "@<name>" for each of the bot's own names (its nickname, its alias in the room), so
 * "@流量小助手 余额" reads as "余额". WeChat ends a mention with U+2005, other clients with a
 * space; both count as the end of the name.
 */
export function stripMentionsOf(text: string, names: readonly string[]): string {
  let result = normalizeText(text);
  const longestFirst = names.map(normalizeText).filter((name) => name !== '').sort((a, b) => b.length - a.length);
  for (const name of longestFirst) {
    const mention = new RegExp(`@${escapeRegExp(name)}(?=\\s|$)`, 'g');
    result = result.replace(mention, ' ');
  }
  return normalizeText(result);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
