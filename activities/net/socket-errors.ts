/** Readable names for the socket errors a device call meets. */

const explanations: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the device',
  EPIPE: 'connection closed by the device while sending',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  EHOSTDOWN: 'host down',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed temporarily',
  EADDRNOTAVAIL: 'address not available',
};

export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function describeSocketError(error: unknown): string {
  const code = errorCode(error);
  if (code && explanations[code]) return `${explanations[code]} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/** The peer tore the connection down; a reset after connecting is not a reachability problem of its own. */
export function isReset(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ECONNRESET' || code === 'EPIPE';
}
