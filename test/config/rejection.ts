import { ConfigError } from '../../config/errors';
import { parseVenueConfig } from '../../config/load';

/** The message a venue file (read as config/venue.yaml) is rejected with; throws when it is accepted. */
export function rejectionOf(text: string): string {
  try {
    parseVenueConfig(text, 'config/venue.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the venue file to be rejected');
}
