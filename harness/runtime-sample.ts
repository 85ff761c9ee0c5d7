/**
 * Heap and active resources of a child process, which /proc cannot see: the child is started
 * with `--require harness/runtime-probe.ts` and an IPC channel, and answers on request.
 */
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';

export interface RuntimeSample {
  /** The main thread's heap: activities, drivers, sockets. */
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Sum over the worker threads that answered in time: the SDK runs workflow code (and its cache) there. */
  threadHeapUsedBytes: number;
  threadsAnswered: number;
  /** Memory of Buffers and other objects outside the V8 heap. */
  externalBytes: number;
  /** process.getActiveResourcesInfo() by type: TCPSocketWrap, Timeout, FSReqCallback, ... */
  activeResources: Record<string, number>;
}

export interface RuntimeSampleRequest {
  type: 'runtime-sample';
  id: number;
  /** A full garbage collection in every thread first, so the figures are live memory only. */
  collectGarbage?: boolean;
}
export interface RuntimeSampleReply extends RuntimeSample {
  type: 'runtime-sample';
  id: number;
}

/** Pass as `--require <this>` after `--require tsx/cjs`. */
export const RUNTIME_PROBE_MODULE = path.join(__dirname, 'runtime-probe.ts');

export class RuntimeSampleError extends Error {
  override readonly name = 'RuntimeSampleError';
}

let lastRequestId = 0;

export interface RuntimeSampleOptions {
  timeoutMs?: number;
  collectGarbage?: boolean;
}

/** Rejects when the child has no IPC channel, is gone, or does not answer within timeoutMs. */
export function requestRuntimeSample(child: ChildProcess, options: RuntimeSampleOptions = {}): Promise<RuntimeSample> {
  const id = ++lastRequestId;
  const timeoutMs = options.timeoutMs ?? (options.collectGarbage ? 10_000 : 3_000);
  return new Promise((resolve, reject) => {
    if (!child.connected) return reject(new RuntimeSampleError(`process ${child.pid} has no IPC channel`));
    const settle = (error?: Error, sample?: RuntimeSample) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('disconnect', onDisconnect);
      if (error) reject(error);
      else resolve(sample as RuntimeSample);
    };
    const onMessage = (message: unknown) => {
      const reply = message as Partial<RuntimeSampleReply>;
      if (reply?.type !== 'runtime-sample' || reply.id !== id) return;
      const { type: _type, id: _id, ...sample } = reply as RuntimeSampleReply;
      settle(undefined, sample);
    };
    const onDisconnect = () => settle(new RuntimeSampleError(`process ${child.pid} disconnected`));
    const timer = setTimeout(() => settle(new RuntimeSampleError(`process ${child.pid} did not answer within ${timeoutMs} ms`)), timeoutMs);
    child.on('message', onMessage);
    child.once('disconnect', onDisconnect);
    const request: RuntimeSampleRequest = { type: 'runtime-sample', id, collectGarbage: options.collectGarbage };
    child.send(request, (error) => error && settle(error));
  });
}
