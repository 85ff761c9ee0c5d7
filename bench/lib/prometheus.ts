/** Reads a Prometheus text endpoint (exposition format 0.0.4) into samples. */

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export class ScrapeError extends Error {
  override readonly name = 'ScrapeError';
}

export async function scrapeMetrics(url: string, timeoutMs = 2_000): Promise<MetricSample[]> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new ScrapeError(`GET ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw new ScrapeError(`GET ${url}: HTTP ${response.status}`);
  return parseMetrics(await response.text());
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line.trim());
    if (!match) continue;
    const [, name = '', labelText = '', value = ''] = match;
    const labels: Record<string, string> = {};
    for (const [, key = '', raw = ''] of labelText.matchAll(LABEL)) labels[key] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name, labels, value: Number(value) });
  }
  return samples;
}

/** Sum of every sample of `name` whose labels include `where`; undefined when there is none. */
export function sumOf(samples: MetricSample[], name: string, where: Record<string, string> = {}): number | undefined {
  const matching = samples.filter((sample) => sample.name === name && Object.entries(where).every(([key, value]) => sample.labels[key] === value));
  return matching.length === 0 ? undefined : matching.reduce((total, sample) => total + sample.value, 0);
}
