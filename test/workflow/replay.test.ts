/**
 * A machine's workflow runs for weeks and a deploy replaces the worker under it: every history an
 * earlier build wrote must replay on this one. The fixtures in histories/ were recorded by those
 * builds (histories/record.ts says how); a change that alters the commands a history expects fails
 * here with the SDK's nondeterminism error, unless it is behind `patched()`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../support/temporal';

const HISTORIES = path.join(__dirname, 'histories');
const fixtures = readdirSync(HISTORIES).filter((file) => file.endsWith('.json')).sort();

describe('histories recorded by earlier builds', () => {
  it('when the fixtures are listed, then there are histories of every earlier probe: an activity, a local activity with retries, a local one per tick', () => {
    expect(fixtures.some((file) => file.startsWith('activity-probe-'))).toBe(true);
    expect(fixtures.some((file) => file.startsWith('scope-per-pause-'))).toBe(true);
    expect(fixtures.some((file) => file.startsWith('local-probe-'))).toBe(true);
  });

  it.each(fixtures)('when %s replays on this build, then it replays without a nondeterminism error', async (file) => {
    // The Temporal CLI's JSON, as `temporal workflow show --output json` writes it.
    const history: unknown = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'));

    await expect(Worker.runReplayHistory({ workflowBundle: await bundleWorkflows(), replayName: file }, history)).resolves.toBeUndefined();
  });
});
