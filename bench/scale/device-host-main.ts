/**
 * Child process entry: runs the benchmark's devices (device-host.ts) apart from everything it
 * measures, so a busy worker cannot delay the timestamps. Speaks to the benchmark over IPC:
 * `{type:'ready', port}` once listening; `{type:'take', loop}` -> `{type:'arrivals', ...}`.
 */
import { startDeviceHost } from './device-host';

export interface TakeArrivalsRequest {
  type: 'take';
  loop: string;
}

async function main(): Promise<void> {
  const host = await startDeviceHost();
  process.on('message', (message: TakeArrivalsRequest) => {
    if (message?.type !== 'take') return;
    process.send?.({ type: 'arrivals', loop: message.loop, ...host.takeArrivals(message.loop) });
  });
  const stop = (): void => {
    if (process.connected) process.disconnect();
    void host.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // The benchmark went away without stopping us: nothing left to serve.
  process.once('disconnect', stop);
  process.send?.({ type: 'ready', port: host.port });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
