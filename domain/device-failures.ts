/**
 * Failure types (error class names) that retrying within a tick cannot fix. The drivers throw
 * them; the workflow lists them as non-retryable, and treats a busy device as transitional.
 */
export const DEVICE_BUSY = 'DeviceBusyError';

export const nonRetryableDeviceErrors = [
  'DeviceAuthError',
  DEVICE_BUSY,
  'DeviceConfigError',
  'SecretMissingError',
] as const;
