import { describe, expect, it } from 'vitest';
import { temporalTarget } from '../../config/temporal';

describe('where Temporal is', () => {
  it.each(['127.0.0.1:7233', '[::1]:7233', 'my-namespace.a1b2c.tmprl.cloud:7233'])('when TEMPORAL_ADDRESS is %s, then the connection uses it', (address) => {
    expect(temporalTarget({ TEMPORAL_ADDRESS: address }).connectionOptions.address).toBe(address);
  });

  it.each(['http://127.0.0.1:7233', 'temporal.example', 'temporal.example:port', '127.0.0.1:70000'])(
    'when TEMPORAL_ADDRESS is %s, then start-up stops with what to set it to',
    (address) => {
      expect(() => temporalTarget({ TEMPORAL_ADDRESS: address })).toThrow(
        `TEMPORAL_ADDRESS is ${JSON.stringify(address)}, not host:port: set it to the address of a Temporal frontend, e.g. 127.0.0.1:7233`,
      );
    },
  );
});
