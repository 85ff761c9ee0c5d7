/**
 * A machine's state beside power: its aspects (input, mute, volume, playlist, ...), the values the
 * venue wants for them, and when an observed value counts as wanted. Pure and workflow-safe: the
 * configuration checks values with it, the tick's decision compares readings with it.
 */

export type AspectValue = string | number | boolean;
export type AspectValues = Record<string, AspectValue>;

/** What values an aspect takes, as its driver family declares it. */
export type AspectSpec =
  | { kind: 'number'; min: number; max: number; /** Observed within this of the wanted value counts as wanted. */ tolerance: number }
  | { kind: 'boolean' }
  | {
      kind: 'text';
      /** The values the driver can set; absent when any text goes. */
      values?: readonly string[];
      /** What to say the values are when listing them all would not help, e.g. `a PJLink input code like "31"`. */
      describe?: string;
    };

export type AspectSpecs = Record<string, AspectSpec>;

/**
 * The wanted values of one machine's aspects, resolved from the venue file: `base` from its
 * group's and its own `scene:` and `aspects:`, and every venue scene as it applies to this machine
 * (only the aspects its driver has), for schedule windows and overrides that name one.
 */
export interface MachineAspects {
  base: AspectValues;
  scenes: Record<string, AspectValues>;
}

/** What an operator forces beside (or instead of) power: a scene, single aspects, or both. */
export interface AspectOverride {
  scene?: string;
  aspects?: AspectValues;
}

export type WantedSource = 'machine' | 'scene' | 'override';

export interface WantedAspect {
  value: AspectValue;
  source: WantedSource;
  /** The scene the value comes from, when it comes from one. */
  scene?: string;
}

/**
 * The value each aspect should have, lowest layer first: the machine's own (`base`), the scene
 * of the schedule window in effect, the override's scene, the override's single aspects.
 */
export function wantedAspects(aspects: MachineAspects, windowScene: string | undefined, override: AspectOverride | undefined): Record<string, WantedAspect> {
  const wanted: Record<string, WantedAspect> = {};
  const apply = (values: AspectValues | undefined, source: WantedSource, scene?: string) => {
    for (const [name, value] of Object.entries(values ?? {})) wanted[name] = { value, source, ...(scene !== undefined && { scene }) };
  };
  apply(aspects.base, 'machine');
  if (windowScene !== undefined) apply(aspects.scenes[windowScene], 'scene', windowScene);
  if (override?.scene !== undefined) apply(aspects.scenes[override.scene], 'override', override.scene);
  apply(override?.aspects, 'override');
  return wanted;
}

/** Every aspect any layer can want: what a probe of this machine may have to read. */
export function aspectNames(aspects: MachineAspects | undefined): string[] {
  if (!aspects) return [];
  return [...new Set([aspects.base, ...Object.values(aspects.scenes)].flatMap((values) => Object.keys(values)))].sort();
}

export function isWanted(spec: AspectSpec, wanted: AspectValue, observed: AspectValue | undefined): boolean {
  if (observed === undefined) return false;
  if (spec.kind === 'number') return typeof observed === 'number' && typeof wanted === 'number' && Math.abs(observed - wanted) <= spec.tolerance;
  return observed === wanted;
}

/** Why a driver cannot set this value, or undefined when it can. */
export function valueProblem(spec: AspectSpec, value: AspectValue): string | undefined {
  switch (spec.kind) {
    case 'number':
      if (typeof value !== 'number') return `expected a number from ${spec.min} to ${spec.max}`;
      return value < spec.min || value > spec.max ? `expected a number from ${spec.min} to ${spec.max}` : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected true or false';
    case 'text':
      if (typeof value === 'string' && (!spec.values || spec.values.includes(value))) return undefined;
      if (spec.describe) return `expected ${spec.describe}`;
      return spec.values ? `expected one of ${spec.values.join(', ')}` : 'expected text';
  }
}

/** The aspects whose observed value is not the wanted one, in name order, with the value to set. */
export function driftedAspects(specs: AspectSpecs, wanted: Record<string, WantedAspect>, observed: AspectValues): { name: string; value: AspectValue }[] {
  return Object.keys(wanted)
    .sort()
    .filter((name) => {
      const spec = specs[name];
      return spec !== undefined && !isWanted(spec, (wanted[name] as WantedAspect).value, observed[name]);
    })
    .map((name) => ({ name, value: (wanted[name] as WantedAspect).value }));
}

