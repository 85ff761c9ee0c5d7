/** The `driver:` block of a PJLink projector in the venue file. */
import { z } from 'zod';
import { portField, secretRefField, strictObject } from '../../../config/fields';
import { timeouts, toTimeouts, type DriverSchema } from '../shared/schema';
import type { PjlinkDriverSpec } from './spec';

const entry = strictObject({
  type: z.literal('pjlink'),
  port: portField.default(4352),
  password: secretRefField.optional(),
  timeouts,
});

export const pjlinkSchema: DriverSchema<typeof entry, PjlinkDriverSpec> = {
  entry,
  toSpec: (driver, host) => ({
    type: 'pjlink',
    host,
    port: driver.port,
    ...(driver.password && { password: driver.password }),
    timeouts: toTimeouts(driver.timeouts),
  }),
};
