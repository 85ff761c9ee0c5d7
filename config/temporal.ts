import { connect } from 'node:net';
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
  const { address } = connectionOptions;
  if (address !== undefined && !isHostAndPort(address)) {
    throw new StartupError(`TEMPORAL_ADDRESS is ${JSON.stringify(address)}, not host:port: set it to the address of a Temporal frontend, e.g. 127.0.0.1:7233`);
  }
  return { connectionOptions, namespace: namespace ?? 'default' };
}

/** `host:port` or `[ipv6]:port`, as the SDK's connections take it: no scheme, no path. */
function isHostAndPort(address: string): boolean {
  const parts = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+):(\d{1,5})$/.exec(address);
  return parts !== null && Number(parts[1]) > 0 && Number(parts[1]) <= 65535;
}

/** The process's one Temporal client; `startup` closes its connection. */
export async function connectClient(startup: Startup, target: TemporalTarget): Promise<Client> {
  const { address } = target.connectionOptions;
  const connection = await Connection.connect(target.connectionOptions).catch(async (error: unknown) => {
    // The client reports only its deadline; a socket of our own says why the server did not answer.
    throw temporalUnreachable(error, address, await socketRefusal(address ?? DEFAULT_ADDRESS));
  });
  startup.started('the Temporal client connection', () => connection.close());
  return new Client({ connection, namespace: target.namespace });
}

/**
 * The one line for a Temporal server that did not answer, from the native connection's error
 * (which says why at once, where the client's only reports a deadline).
 */
export function temporalUnreachable(error: unknown, address: string | undefined, knownWhy?: string): StartupError {
  const detail = error instanceof Error ? error.message : String(error);
  const why = knownWhy ?? (/ConnectionRefused|Connection refused/i.test(detail)
    ? 'connection refused'
    : /dns error|failed to lookup|Name or service not known/i.test(detail)
      ? 'the host name does not resolve'
      : /timed? ?out|deadline/i.test(detail)
        ? 'no answer in time'
        : detail);
  return new StartupError(`cannot reach Temporal at ${address ?? DEFAULT_ADDRESS} (TEMPORAL_ADDRESS): ${why}; is the server running?`, { cause: error });
}

const DEFAULT_ADDRESS = 'localhost:7233';
const SOCKET_PROBE_MS = 2_000;

/** Why a TCP connection to `address` fails, when the network says so at once; undefined when it connects or says nothing. */
function socketRefusal(address: string): Promise<string | undefined> {
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(separator + 1));
  if (separator < 0 || !Number.isInteger(port)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: SOCKET_PROBE_MS });
    const settle = (why: string | undefined) => {
      socket.destroy();
      resolve(why);
    };
    socket.once('connect', () => settle(undefined));
    socket.once('timeout', () => settle(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      settle(error.code === 'ECONNREFUSED' ? 'connection refused' : error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' ? 'the host name does not resolve' : undefined),
    );
  });
}
