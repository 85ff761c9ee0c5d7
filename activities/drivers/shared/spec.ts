/**
 * What the driver families' specs share. A spec travels through Temporal history, so it never
 * holds a secret: credentials appear only as a `SecretRef` (a name) resolved by the worker.
 *
 * Every `spec.ts` under activities/drivers/ is workflow code (lint enforces it): the workflow reads
 * a spec's deadline for its activity timeouts, its label for activity summaries and its aspects
 * to compare readings with wanted values.
 */
import type { AspectSpec, AspectSpecs } from '../../../domain/aspects';

/** A credential by name; the worker resolves it from its environment or secrets file. */
export interface SecretRef {
  secret: string;
}

/** Resolves a credential on the worker; throws SecretMissingError when it is not configured. */
export type SecretResolver = (ref: SecretRef) => string;

export interface DriverTimeouts {
  /** Deadline for the TCP connect (or the HTTP request's connection). */
  connectMs: number;
  /** Deadline for each reply once connected. */
  responseMs: number;
}

/** How an HTTP or TCP reply maps to a power state: the first matching entry wins. */
export interface StateMatchers {
  on: string[];
  off: string[];
  warming?: string[];
  cooling?: string[];
}

/** What the rest of the system knows of a family without talking to a device. */
export interface DriverFamilySpec<Spec> {
  /** Names the family in activity summaries, e.g. `PJLink probe proj-03`. */
  label: string;
  /**
   * The longest one device call may take when every step uses its full deadline: a probe that
   * also reads `aspectReads` aspects, or (with none) a command. The client enforces these steps;
   * the workflow sets each activity's start-to-close timeout above the total, so the driver's
   * own, descriptive timeout always fires before Temporal's.
   */
  deadlineMs(spec: Spec, aspectReads: readonly string[]): number;
  /** The credentials the spec names (undefined where an optional one is not set). */
  secretRefs(spec: Spec): (SecretRef | undefined)[];
  /** The aspects beside power this device has, by name, and the values each takes. */
  aspects(spec: Spec): AspectSpecs;
  /** Families that read telemetry (lamp hours, error status, identity): the longest that read may take. */
  telemetryDeadlineMs?(spec: Spec): number;
  /** Infrastructure that is watched, never switched (a network switch, a PDU as a whole); absent: false. */
  probeOnly?(spec: Spec): boolean;
}

/** How a boolean aspect is written on the wire, e.g. `ON` and `OFF`. */
export interface BooleanWords {
  true: string;
  false: string;
}

/** An aspect a generic (HTTP or TCP line) driver declares: its values, how to read it and how to set it. */
export interface DeclaredAspect<Read, Set> {
  value: AspectSpec;
  /** For a boolean aspect: the device's words for true and false. */
  words?: BooleanWords;
  read: Read;
  /** `{value}` in the request is replaced by the value as the device writes it. */
  set: Set;
}

/** The value specs of declared aspects, for the family's `aspects`. */
export function declaredAspectSpecs(aspects: Record<string, DeclaredAspect<unknown, unknown>> | undefined): AspectSpecs {
  return Object.fromEntries(Object.entries(aspects ?? {}).map(([name, aspect]) => [name, aspect.value]));
}

/** A call whose steps run one after another may take the sum of their budgets. */
export function sumOfSteps(steps: Record<string, number>): number {
  return Object.values(steps).reduce((total, ms) => total + ms, 0);
}
