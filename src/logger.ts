import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs on stderr, so stdout stays free for the CLI's answers; human-readable through
 * pino-pretty only when stderr is a terminal.
 */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  if (pretty) {
    return pino({
      level,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return pino({ level }, pino.destination({ dest: 2, sync: true }));
}

export type { Logger };
