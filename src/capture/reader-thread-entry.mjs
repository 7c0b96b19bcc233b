// A worker thread starts without the TypeScript loader its process was started with (bin/scrubwatch registers
// tsx in the main thread only; vitest transforms only what it imports itself), so the thread registers tsx as
// bin/scrubwatch does before loading its TypeScript body. Plain JavaScript: it must load before any loader.
import { register } from 'tsx/esm/api';

register();
await import('./reader-thread.ts');
