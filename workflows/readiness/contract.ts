/**
 * What the venue's readiness workflow understands and publishes: the one module of it that code
 * outside workflows/ imports. Loaded by clients and inside the sandbox alike: definitions only.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ReadinessEvent, ReadinessReport, ReadinessSpec, ReportedThrough, ReportKind } from '../../domain/readiness';

export const READINESS_WORKFLOW_TYPE = 'readinessWorkflow';

export type ReadinessWorkflow = (input: ReadinessWorkflowInput) => Promise<void>;

/** One venue per task queue (its worker serves one venue file), so one readiness workflow per task queue. */
export function readinessWorkflowId(taskQueue: string): string {
  return `readiness-${taskQueue}`;
}

export interface ReadinessWorkflowInput {
  spec: ReadinessSpec;
  /** Fingerprint of the spec, kept in the memo so inventory sync can tell what changed. */
  configHash: string;
  /** Present when continuing as new. */
  state?: ReadinessState;
}

export interface ReadinessState {
  reported: ReportedThrough;
  /** Newest first, at most REPORTS_KEPT. */
  reports: DeliveredReport[];
  /** Reports asked for and not yet made. */
  requests?: ReportRequest[];
}

export const REPORTS_KEPT = 10;

/** How a report went out: through Alertmanager, like every alert, or not at all when none is configured. */
export interface Delivery {
  delivered: boolean;
  atMs: number;
  detail: string;
}

export interface DeliveredReport extends ReadinessReport {
  /** `scheduled` at its time, or asked for by someone (`POST /readiness/{kind}`). */
  trigger: string;
  delivery?: Delivery;
}

export interface ReadinessUpdate {
  spec: ReadinessSpec;
  configHash: string;
}

export interface ReportRequest {
  kind: ReportKind;
  by: string;
  reason: string;
}

export const readinessChangedSignal = defineSignal<[ReadinessUpdate]>('readinessChanged');
/** Runs a report at once, about the next opening (doors-open) or the last closing (after-closing); the scheduled one still runs. */
export const runReportNowSignal = defineSignal<[ReportRequest]>('runReportNow');
/** The venue file no longer has `readiness:`. */
export const stopReadinessSignal = defineSignal<[]>('stopReadiness');

export interface ReadinessStatus {
  venue: string;
  openingHours: string;
  next?: ReadinessEvent;
  /** The report being made, if one is. */
  running?: ReadinessEvent & { trigger: string };
  reports: DeliveredReport[];
}
export const readinessStatusQuery = defineQuery<ReadinessStatus>('readinessStatus');

export function readinessMemoOf(configHash: string): Record<string, string> {
  return { configHash };
}
