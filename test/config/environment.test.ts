import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../config/environment';

describe('process settings from the environment', () => {
  it('when a setting is wrong, then the message names it, repeats its value and says what it expects', () => {
    expect(() => loadEnvironment({ LOG_LEVEL: 'CHATTY' })).toThrow(
      'environment variable LOG_LEVEL is "CHATTY": Invalid option: expected one of "TRACE"|"DEBUG"|"INFO"|"WARN"|"ERROR"',
    );
  });

  it('when a credential is wrong, then the message names the setting but never its value', () => {
    const token = 'short-secret';
    let message = '';
    try {
      loadEnvironment({ API_TOKEN: token });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('environment variable API_TOKEN: expected at least 16 characters');
    expect(message).not.toContain(token);
  });
});
