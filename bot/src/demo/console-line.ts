/** What one line typed into the console demo asks for. */
export type ConsoleAction =
  | { kind: 'say'; speaker: string | null; text: string }
  | { kind: 'as'; name: string }
  | { kind: 'dm' }
  | { kind: 'room' }
  | { kind: 'join'; name: string }
  | { kind: 'leave'; name: string }
  | { kind: 'who' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'empty' }
  | { kind: 'unknown'; input: string };

/**
 * Reads a console line. "小红: /balance" (or "小红：余额") is 小红 speaking; a line without a known
 * name is the current speaker speaking; lines starting with "." steer the demo. Pure, so the
 * demo's grammar is testable without a terminal.
 */
export function parseConsoleLine(line: string, knownNames: readonly string[]): ConsoleAction {
  const text = line.trim();
  if (text === '') return { kind: 'empty' };
  if (text.startsWith('.')) return parseDirective(text);
  const speakerMatch = /^([^:：\s]{1,32})\s*[:：]\s*(.*)$/.exec(text);
  if (speakerMatch !== null) {
    const [, name = '', said = ''] = speakerMatch;
    if (knownNames.includes(name)) return said === '' ? { kind: 'empty' } : { kind: 'say', speaker: name, text: said };
  }
  return { kind: 'say', speaker: null, text };
}

function parseDirective(text: string): ConsoleAction {
  const [word = '', ...rest] = text.split(/\s+/);
  const argument = rest.join(' ');
  switch (word) {
    case '.as':
      return argument === '' ? { kind: 'unknown', input: text } : { kind: 'as', name: argument };
    case '.dm':
      return { kind: 'dm' };
    case '.room':
      return { kind: 'room' };
    case '.join':
      return argument === '' ? { kind: 'unknown', input: text } : { kind: 'join', name: argument };
    case '.leave':
      return argument === '' ? { kind: 'unknown', input: text } : { kind: 'leave', name: argument };
    case '.who':
      return { kind: 'who' };
    case '.help':
      return { kind: 'help' };
    case '.quit':
    case '.exit':
      return { kind: 'quit' };
    default:
      return { kind: 'unknown', input: text };
  }
}

/** The "@name" mentions in a line, among the names the demo knows ("@小红花" is not "@小红"). */
export function mentionedNames(text: string, knownNames: readonly string[]): string[] {
  return knownNames.filter((name) => new RegExp(`@${escapeRegExp(name)}(?=\\s|$)`).test(text));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
