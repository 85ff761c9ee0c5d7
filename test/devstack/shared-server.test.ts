import { describe, expect, it } from 'vitest';
import { bundleWorkflows, connectClient, temporalAddress } from '../support/temporal';

describe('the shared dev server of a test run', () => {
  it('when a test connects, then the injected namespace answers', async () => {
    const client = await connectClient();
    try {
      const response = await client.workflowService.describeNamespace({ namespace: client.options.namespace });

      expect(temporalAddress()).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(response.namespaceInfo?.name).toBe(client.options.namespace);
    } finally {
      await client.connection.close();
    }
  });

  it('when workflows are bundled twice, then the second call reuses the first bundle', async () => {
    const first = bundleWorkflows();
    const second = bundleWorkflows();

    expect(second).toBe(first);
    expect((await first).code.length).toBeGreaterThan(0);
  });
});
