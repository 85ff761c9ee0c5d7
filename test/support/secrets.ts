import { createSecretResolver, secretEnvName } from '../../config/secrets';
import type { SecretResolver } from '../../activities/drivers/shared/spec';

/** The worker's real resolver, fed from an environment holding `values`. */
export function secretsFrom(values: Record<string, string>): SecretResolver {
  const env = Object.fromEntries(Object.entries(values).map(([name, value]) => [secretEnvName(name), value]));
  return createSecretResolver({ env });
}
