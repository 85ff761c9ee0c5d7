import { describe, expect, it } from 'vitest';
import { runSoak } from '../../bench/soak/run';
import { soakSummary } from '../../bench/soak/summary';

/**
 * The short version of `npm run bench:soak`: the same code, a smaller venue and fewer ticks. The
 * 3 s tick leaves room for the test files that run beside it; 2 s passes on a quiet machine.
 */
describe('soak benchmark, short', () => {
  it('when 50 machines (7 hung, every other fault mode, the rest healthy) run 20 ticks of 3 s, then every exit criterion passes', async () => {
    const report = await runSoak({ machines: 50, hung: 7, tickMs: 3_000, cycles: 20 });
    const failed = report.analysis.criteria.filter((criterion) => !criterion.passed);
    expect(failed, soakSummary(report)).toEqual([]);
    expect(report.venue).toMatchObject({ healthy: 20, hung: 7 });
    expect(report.analysis.ticks).toHaveLength(20);
  }, 300_000);
});
