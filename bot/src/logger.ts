/** Where the bot writes what it did and what went wrong; injected so tests and the console demo stay quiet. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function consoleLogger(prefix = 'bot'): Logger {
  const line = (level: string, message: string): string => `${new Date().toISOString()} ${level} [${prefix}] ${message}`;
  return {
    info: (message) => console.log(line('INFO', message)),
    warn: (message) => console.warn(line('WARN', message)),
    error: (message) => console.error(line('ERROR', message)),
  };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
