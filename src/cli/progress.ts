/**
 * A one-line progress counter on stderr for long commands; silent when stderr is not a terminal or when the
 * command answers in JSON, so scripts see only their document.
 */
export function createProgress(label: string, total: number, enabled: boolean): { tick(): void; end(): void } {
  const live = enabled && process.stderr.isTTY === true && total > 1;
  let done = 0;
  const draw = () => process.stderr.write(`\r${label} ${done}/${total}`);
  if (live) draw();
  return {
    tick() {
      done += 1;
      if (live) draw();
    },
    end() {
      if (live) process.stderr.write('\n');
    },
  };
}
