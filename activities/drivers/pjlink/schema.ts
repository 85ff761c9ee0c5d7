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
  /** The venue's names for the projector's input codes, e.g. { HDMI1: "31" }. */
  inputs: z
    .record(
      z.string().regex(/^\S{1,32}$/, { error: 'expected an input name without spaces' }),
      z.string({ error: 'expected an input code as text, e.g. "31"' }).regex(/^[1-9][1-9A-Z]$/, { error: 'expected a PJLink input code: a type digit then a number, e.g. "31"' }),
    )
    .optional(),
});

export const pjlinkSchema: DriverSchema<typeof entry, PjlinkDriverSpec> = {
  entry,
  toSpec: (driver, host) => ({
    type: 'pjlink',
    host,
    port: driver.port,
    ...(driver.password && { password: driver.password }),
    timeouts: toTimeouts(driver.timeouts),
    ...(driver.inputs && { inputs: driver.inputs }),
  }),
};
