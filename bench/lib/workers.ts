import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/scrubwatch', import.meta.url));

/** A real `scrubwatch worker` process, as an operator would start one. */
export interface WorkerProcess {
  pid: number;
  stop(): Promise<void>;
}

export function startWorker(env: Record<string, string>): WorkerProcess {
  const child: ChildProcess = spawn(BIN, ['worker'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`worker ${child.pid} exited ${code}:\n${stderr}\n`);
  });
  return {
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
