/**
 * Failure types: the names of the errors device calls throw. Temporal reports a thrown error's
 * name as its failure type, so these strings cross the sandbox: the error classes take their
 * names from here, and the workflow compares and lists them.
 */
export const DEVICE_ERROR = 'DeviceError';
export const DEVICE_UNREACHABLE = 'DeviceUnreachableError';
export const DEVICE_TIMEOUT = 'DeviceTimeoutError';
export const DEVICE_PROTOCOL = 'DeviceProtocolError';
export const DEVICE_AUTH = 'DeviceAuthError';
export const DEVICE_BUSY = 'DeviceBusyError';
export const DEVICE_CONFIG = 'DeviceConfigError';
export const SECRET_MISSING = 'SecretMissingError';

/** Every failure type above: the values a metric label may take (workflows/machine/machine-metrics.ts). */
export const DEVICE_FAILURE_TYPES = [DEVICE_ERROR, DEVICE_UNREACHABLE, DEVICE_TIMEOUT, DEVICE_PROTOCOL, DEVICE_AUTH, DEVICE_BUSY, DEVICE_CONFIG, SECRET_MISSING] as const;

/** The type of a check whose activity Temporal timed out (its start-to-close timeout), not the driver. */
export const ACTIVITY_TIMEOUT = 'ActivityTimeout';

/** Retrying within a tick cannot fix these; the workflow treats a busy device as transitional. */
export const nonRetryableDeviceErrors = [DEVICE_AUTH, DEVICE_BUSY, DEVICE_CONFIG, SECRET_MISSING] as const;
