/**
 * Preloaded into a process under measurement (`node --require tsx/cjs --require <this> main.ts`):
 * answers runtime-sample requests on the IPC channel with heap figures and active resources.
 * The SDK runs workflow code in worker threads, each with its own heap; the preload runs there
 * too and reports that heap over a BroadcastChannel when the main thread asks.
 *
 * Without an IPC channel it only listens, and it never keeps the process alive: the channels are
 * unreferenced, so the program exits exactly when it would without the probe.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';
import type { RuntimeSampleReply, RuntimeSampleRequest } from './runtime-sample';

const THREADS_CHANNEL = 'showctl-runtime-probe';
/** How long the main thread collects the threads' answers; a busy thread answering later is left out. */
const THREAD_ANSWER_WINDOW_MS = 250;
const THREAD_COLLECT_WINDOW_MS = 2_000;

interface HeapRequest {
  type: 'heap-request';
  id: number;
  collectGarbage: boolean;
}
interface HeapAnswer {
  type: 'heap-answer';
  id: number;
  threadId: number;
  heapUsedBytes: number;
}

let collectGarbage: (() => void) | undefined;

function dataOf<T>(event: Event): Partial<T> | undefined {
  return (event as Event & { data?: Partial<T> }).data;
}

/** A full collection of this thread's heap, enabled only the first time it is asked for. */
function collectThisHeap(): void {
  if (!collectGarbage) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  collectGarbage();
}

const threads = new BroadcastChannel(THREADS_CHANNEL);
threads.unref();

if (!isMainThread) {
  threads.onmessage = (event) => {
    const request = dataOf<HeapRequest>(event);
    if (request?.type !== 'heap-request' || typeof request.id !== 'number') return;
    if (request.collectGarbage) collectThisHeap();
    const answer: HeapAnswer = { type: 'heap-answer', id: request.id, threadId, heapUsedBytes: getHeapStatistics().used_heap_size };
    threads.postMessage(answer);
  };
} else if (process.send && process.channel) {
  process.on('message', (message: Partial<RuntimeSampleRequest>) => {
    if (message?.type !== 'runtime-sample' || typeof message.id !== 'number') return;
    void answer(message.id, message.collectGarbage === true);
  });
  // After the listener: adding a 'message' listener references the channel again.
  process.channel.unref();
}

async function answer(id: number, collect: boolean): Promise<void> {
  if (collect) collectThisHeap();
  const threadHeaps = await askThreads(id, collect);
  const memory = process.memoryUsage();
  const activeResources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) activeResources[type] = (activeResources[type] ?? 0) + 1;
  const reply: RuntimeSampleReply = {
    type: 'runtime-sample',
    id,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    threadHeapUsedBytes: threadHeaps.reduce((sum, heap) => sum + heap, 0),
    threadsAnswered: threadHeaps.length,
    activeResources,
  };
  process.send?.(reply);
}

function askThreads(id: number, collect: boolean): Promise<number[]> {
  const heaps = new Map<number, number>();
  const onMessage = (event: Event) => {
    const heap = dataOf<HeapAnswer>(event);
    if (heap?.type === 'heap-answer' && heap.id === id) heaps.set(heap.threadId!, heap.heapUsedBytes!);
  };
  threads.addEventListener('message', onMessage);
  threads.postMessage({ type: 'heap-request', id, collectGarbage: collect } satisfies HeapRequest);
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => {
        threads.removeEventListener('message', onMessage);
        resolve([...heaps.values()]);
      },
      collect ? THREAD_COLLECT_WINDOW_MS : THREAD_ANSWER_WINDOW_MS,
    );
    timer.unref();
  });
}
