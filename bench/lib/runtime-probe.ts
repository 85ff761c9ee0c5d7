/**
 * Preloaded into a process under measurement (`node --import tsx --import <this> main.ts`):
 * answers runtime-sample requests on the IPC channel with heap figures and active resources.
 * Without an IPC channel it does nothing. It never keeps the process alive: the channel is
 * unreferenced, so the program exits exactly when it would without the probe.
 */
import type { RuntimeSampleReply, RuntimeSampleRequest } from './runtime-sample';

if (process.send && process.channel) {
  process.on('message', (message: Partial<RuntimeSampleRequest>) => {
    if (message?.type !== 'runtime-sample' || typeof message.id !== 'number') return;
    const memory = process.memoryUsage();
    const activeResources: Record<string, number> = {};
    for (const type of process.getActiveResourcesInfo()) activeResources[type] = (activeResources[type] ?? 0) + 1;
    const reply: RuntimeSampleReply = {
      type: 'runtime-sample',
      id: message.id,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      activeResources,
    };
    process.send?.(reply);
  });
  // After the listener: adding a 'message' listener references the channel again.
  process.channel.unref();
}
