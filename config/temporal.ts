import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { StartupError, type Startup } from '../lifecycle/startup';

export interface TemporalTarget {
  connectionOptions: NativeConnectionOptions;
  namespace: string;
}

/**
 * Where Temporal is, from the SDK's standard sources: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY, TEMPORAL_TLS_* and the profile file of the Temporal CLI. Temporal Cloud
 * works with an address, a namespace and an API key alone.
 */
export function temporalTarget(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const { connectionOptions, namespace } = loadClientConnectConfig({
    overrideEnvVars: env as Record<string, string>,
  });
  return { connectionOptions, namespace: namespace ?? 'default' };
}

/** The process's one Temporal client; `startup` closes its connection. */
export async function connectClient(startup: Startup, target: TemporalTarget): Promise<Client> {
  const connection = await Connection.connect(target.connectionOptions).catch((error: unknown) => {
    throw temporalUnreachable(error, target.connectionOptions.address);
  });
  startup.started('the Temporal client connection', () => connection.close());
  return new Client({ connection, namespace: target.namespace });
}

/**
 * The one line for a Temporal server that did not answer, from the native connection's error
 * (which says why at once, where the client's only reports a deadline).
 */
export function temporalUnreachable(error: unknown, address: string | undefined): StartupError {
  const detail = error instanceof Error ? error.message : String(error);
  const why = /ConnectionRefused|Connection refused/i.test(detail)
    ? 'connection refused'
    : /dns error|failed to lookup|Name or service not known/i.test(detail)
      ? 'the host name does not resolve'
      : /timed? ?out|deadline/i.test(detail)
        ? 'no answer in time'
        : detail;
  return new StartupError(`cannot reach Temporal at ${address ?? 'localhost:7233'} (TEMPORAL_ADDRESS): ${why}; is the server running?`, { cause: error });
}
