import { describe, expect, it } from 'vitest';
import { JOB, jobIds, QUEUE, schedulerIds, watchJobName } from '../../src/queue/vocabulary.ts';
import { matchingLines, sourceFiles } from './source-files.ts';

const VOCABULARY = 'src/queue/vocabulary.ts';

/**
 * What building a queue name, job name, job id or scheduler id by hand looks like. Each pattern is a way a literal
 * crept in before src/queue/vocabulary.ts existed.
 */
const HAND_BUILT: Array<{ what: string; pattern: RegExp }> = [
  { what: 'a job id built from a prefix', pattern: /[`'"](first|recheck|check|inline|probe|render|demo|notify|wayback|archive|digest|job|source|screen)-\$\{/ },
  { what: 'a job id from the clock', pattern: /(jobId|job\.id)[^\n]*Date\.now\(\)/ },
  { what: 'a literal job name added', pattern: /\.add\(\s*['"`]/ },
  { what: 'a literal job name in a bulk add or a scheduler', pattern: /\bname:\s*['"`](capture|tweet|deliver|digest|reconcile|wayback|archive|discover)['"`]/ },
  { what: 'a literal job id', pattern: /\bjobId:\s*['"`]/ },
  { what: 'a literal job looked up', pattern: /(\.(getJob|removeJobScheduler|upsertJobScheduler)|queue\.remove)\(\s*['"`]/i },
  { what: 'a literal queue name', pattern: /(new (Queue|Worker|QueueEvents)|createQueue|createWorker|createQueueEvents)(<[^>]*>)?\(\s*['"`]/ },
  { what: 'a literal scheduler id prefix', pattern: /['"`](target|source):['"`]/ },
];

describe('queue vocabulary', () => {
  const files = sourceFiles('src', 'jobs').filter((f) => f.path !== VOCABULARY);

  it.each(HAND_BUILT)('no file of src/ or jobs/ holds $what', ({ pattern }) => {
    const found = files.flatMap((f) => matchingLines(f.text, pattern).map((line) => `${f.path}:${line}`));
    expect(found).toEqual([]);
  });

  it('names each watch queue’s jobs after the queue, and keeps ids stable for de-duplication', () => {
    expect(watchJobName(QUEUE.capture)).toBe(JOB.capture);
    expect(watchJobName(QUEUE.tweet)).toBe(JOB.tweet);
    expect(jobIds.firstCapture(7)).toBe(jobIds.firstCapture(7));
    expect(jobIds.recheck(7, 42)).toBe('recheck-7-42');
    expect(jobIds.deliver(3, 4)).toBe('notify-3-4');
    expect(schedulerIds.target(7)).toBe('target:7');
    // BullMQ refuses custom job ids with a colon.
    for (const id of [jobIds.firstCapture(1), jobIds.recheck(1, 2), jobIds.manualCheck(1, 'x'), jobIds.inline('x'), jobIds.embedProbe(1, 2), jobIds.pageRender(1, 2)]) {
      expect(id).not.toContain(':');
    }
  });
});
