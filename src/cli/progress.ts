import type { StageProgress } from '../progress.ts';
import { terminalText } from './terminal-text.ts';

/** How often a counter is redrawn at most: a million ticks must not mean a million writes to the terminal. */
const REDRAW_MS = 100;

/**
 * A one-line progress counter on stderr for long commands; silent when stderr is not a terminal or when the
 * command answers in JSON, so scripts see only their document.
 */
export function createProgress(label: string, total: number, enabled: boolean): { tick(n?: number): void; print(text: string): void; end(): void } {
  const live = enabled && process.stderr.isTTY === true && total > 1;
  let done = 0;
  let drawnAt = 0;
  const draw = () => {
    drawnAt = Date.now();
    process.stderr.write(`\r${label} ${done}/${total}`);
  };
  if (live) draw();
  return {
    tick(n = 1) {
      done += n;
      if (live && (done >= total || Date.now() - drawnAt >= REDRAW_MS)) draw();
    },
    /**
     * Writes `text` as lines on stdout above the counter, which is cleared first and drawn again below it. The text
     * holds what pages say (titles, errors): its control characters are shown, not obeyed.
     */
    print(text: string) {
      if (live) process.stderr.write('\r\x1b[2K');
      process.stdout.write(`${terminalText(text)}\n`);
      if (live) draw();
    },
    end() {
      if (!live) return;
      draw();
      process.stderr.write('\n');
    },
  };
}

/** Draws each stage of long work as its own counter on a terminal (silent elsewhere, as createProgress). */
export function createStageProgress(enabled: boolean): StageProgress & { end(): void } {
  let bar: ReturnType<typeof createProgress> | undefined;
  return {
    stage(label, total) {
      bar?.end();
      bar = createProgress(label, total, enabled);
    },
    advance(n) {
      bar?.tick(n);
    },
    end() {
      bar?.end();
    },
  };
}
