/**
 * What the API answers, as zod schemas. The OpenAPI document's response schemas are generated
 * from these (api/openapi.ts), and the types the routes answer with are derived from them; the
 * machine status and the sync report are checked at compile time against the types of the code
 * that produces them, so the document cannot drift from what the workflow and the sync return.
 */
import { z } from 'zod';
import { driverTypeSchema } from '../config/schema';
import { READINESS_SYNC_OUTCOMES } from '../fleet/readiness';
import type { SyncReport } from '../fleet/sync';
import { CHECK_OUTCOMES, CHECK_STEPS } from '../domain/check';
import { REPORT_KINDS } from '../domain/readiness';
import { COMPONENT_STATES, DEVICE_COMPONENTS } from '../domain/telemetry';
import {
  DESIRED_SOURCE_VALUES,
  WANTED_SOURCE_VALUES,
  HEALTH_VALUES,
  IN_WANTED_STATE_VALUES,
  MODE_VALUES,
  OBSERVED_VALUES,
  POWER_VALUES,
  REPORTED_POWER_VALUES,
  type MachineStatus,
} from '../workflows/machine/contract';
import type { ReadinessStatus } from '../workflows/readiness/contract';

/** The schemas the OpenAPI document names under components.schemas, each by its id. */
export const namedSchemas = z.registry<{ id: string }>();

function named<S extends z.ZodType>(id: string, schema: S): S {
  namedSchemas.add(schema, { id });
  return schema;
}

/** Assignable both ways: neither side has a field, a value or an optionality the other lacks. */
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

const text = z.string();
const count = z.int().min(0);
const timeMs = z.int().meta({ description: 'Milliseconds since the Unix epoch.' });
const requestId = z.string().meta({ format: 'uuid' });
const power = z.enum(POWER_VALUES);
const reportedPower = z.enum(REPORTED_POWER_VALUES);

const errorDetail = z.object({
  code: text,
  message: text,
  field: text.meta({ description: 'The offending field, query parameter or path parameter.' }).optional(),
});

export const errorBody = named('Error', z.object({ error: errorDetail }));

const auditEntry = named(
  'AuditEntry',
  z.object({ atMs: timeMs, action: text, by: text, reason: text, requestId: requestId.optional() }),
);

const timedControl = { untilMs: timeMs.optional(), reason: text, by: text, atMs: timeMs };

const aspectValue = z.union([z.string(), z.number(), z.boolean()]).meta({ description: 'Text, a number or true/false, as the aspect takes.' });
const aspectValues = z.record(z.string(), aspectValue);

const aspectStatus = named(
  'AspectStatus',
  z.object({
    name: text,
    wanted: aspectValue.meta({ description: 'Absent while the machine should be off: its aspects are then left alone.' }).optional(),
    source: z.enum(WANTED_SOURCE_VALUES).optional(),
    scene: text.meta({ description: 'The scene the wanted value comes from.' }).optional(),
    observed: aspectValue.optional(),
    observedAtMs: timeMs.optional(),
    inWantedState: z.boolean().meta({ description: "Whether the last reading is the wanted value, within the aspect's tolerance." }).optional(),
    lastCorrection: z.object({ value: aspectValue, atMs: timeMs }).optional(),
  }),
);

const componentState = z.enum(COMPONENT_STATES);
const telemetry = named(
  'Telemetry',
  z.object({
    atMs: timeMs,
    lamps: z.array(z.object({ hours: count, lit: z.boolean() })).meta({ description: 'Absent for a device without a lamp.' }).optional(),
    errors: z.object(Object.fromEntries(DEVICE_COMPONENTS.map((component) => [component, componentState])) as Record<(typeof DEVICE_COMPONENTS)[number], typeof componentState>).optional(),
    inputs: z.array(text).meta({ description: 'The input codes the device has.' }).optional(),
    name: text.optional(),
    manufacturer: text.optional(),
    model: text.optional(),
    info: text.optional(),
    protocolClass: text.optional(),
    unanswered: z.array(text).meta({ description: 'Queries the device answered with an error.' }).optional(),
  }),
);
const checkFailure = z.object({ step: z.enum(CHECK_STEPS), type: text.meta({ description: 'The failure type, e.g. DeviceTimeoutError.' }), message: text });

const dependencyMemo = named(
  'DependencyMemo',
  z
    .object({ note: text, blockedBy: z.array(text).optional(), waitingFor: z.array(text).optional() })
    .meta({ description: 'What holds the machine back (`blocked by pdu-01`, `waiting for mixer-01 to be on`); absent when nothing does.' }),
);
const neighbourStatus = z.object({
  id: text,
  power: z.enum(OBSERVED_VALUES).optional(),
  health: z.enum(HEALTH_VALUES).optional(),
});
const dependencyStatus = named(
  'DependencyStatus',
  z.object({
    needs: z.array(neighbourStatus).meta({ description: 'The machines it needs on before it switches on, with what each last reported.' }),
    neededBy: z.array(neighbourStatus).meta({ description: 'The machines that need it: it switches off only once each is off.' }),
    waitingFor: z.array(text).meta({ description: 'The neighbours its power step waits for.' }).optional(),
    waitingSinceMs: timeMs.optional(),
    blockedBy: z.array(text).meta({ description: 'The failing machines at the root of what it needs that is down.' }).optional(),
    heldBack: dependencyMemo.optional(),
    poweredBy: z.object({ pdu: text, outlet: z.int().min(1), lastCycleMs: timeMs.optional() }).optional(),
  }),
);

export const machineStatus = named(
  'MachineStatus',
  z
    .object({
      id: text,
      name: text,
      group: text,
      address: text,
      driver: driverTypeSchema,
      desired: power,
      desiredSource: z.enum(DESIRED_SOURCE_VALUES),
      observed: z.object({ power: reportedPower, detail: text, atMs: timeMs }).optional(),
      health: z.enum(HEALTH_VALUES),
      mode: z.enum(MODE_VALUES),
      override: z.object({ power: power.optional(), scene: text.optional(), aspects: aspectValues.optional(), ...timedControl }).optional(),
      maintenance: z.object(timedControl).optional(),
      lastCheck: z
        .object({
          atMs: timeMs,
          desired: power,
          outcome: z.enum(CHECK_OUTCOMES),
          observed: reportedPower.optional(),
          corrected: z.array(text).meta({ description: 'The aspects the check set because they read otherwise than wanted.' }).optional(),
          failure: checkFailure.optional(),
        })
        .optional(),
      consecutiveFailures: count,
      commandsSent: count,
      missedTicks: count,
      nextTickMs: timeMs,
      nextScheduleChangeMs: timeMs.optional(),
      aspects: z.array(aspectStatus).meta({ description: 'Every aspect the venue can want of this machine, in name order.' }),
      telemetry: telemetry.optional(),
      telemetryFailure: checkFailure.extend({ atMs: timeMs }).optional(),
      probeOnly: z.literal(true).meta({ description: 'Watched, never switched: a network switch, a PDU as a whole.' }).optional(),
      dependencies: dependencyStatus.optional(),
      audit: z.array(auditEntry).meta({ description: 'The last changes, oldest first, with who, why and the API requestId.' }),
    })
    .meta({ description: "The machine workflow's status query (workflows/machine/contract.ts MachineStatus)." }),
);
type _StatusSchemaIsTheContract = Assert<SameShape<z.output<typeof machineStatus>, MachineStatus>>;

export const machineDetail = named(
  'MachineDetail',
  machineStatus
    .extend({
      workflowId: text,
      webUiUrl: z.url().meta({ description: 'The workflow in the Temporal Web UI; present when TEMPORAL_UI_URL is set.' }).optional(),
    })
    .meta({ description: 'The status query of the machine workflow, with its workflow id and Web UI link.' }),
);

export const accepted = named(
  'Accepted',
  z.object({ requestId, machine: text, workflowId: text, status: z.literal('accepted') }),
);

export const applied = named('Applied', z.object({ requestId, status: z.literal('applied'), machine: machineStatus }));

const machineOutcome = z.object({
  machine: text,
  requestId: requestId.optional(),
  status: z
    .enum(['applied', 'accepted', 'failed'])
    .meta({ description: 'applied: seen in the audit trail within ?wait; accepted: signal stored; failed: see error.' }),
  error: z.object({ code: text, message: text }).optional(),
});
export type MachineOutcome = z.output<typeof machineOutcome>;

export const bulkResults = named('BulkResults', z.object({ group: text.optional(), results: z.array(machineOutcome) }));

export const machineSummary = named(
  'MachineSummary',
  z
    .object({
      id: text,
      workflowId: text,
      name: text.optional(),
      address: text.optional(),
      driver: driverTypeSchema.optional(),
      group: text.optional(),
      desired: power.optional(),
      observed: z.enum(OBSERVED_VALUES).optional(),
      health: z.enum(HEALTH_VALUES).optional(),
      mode: z.enum(MODE_VALUES).optional(),
      aspectsInWantedState: z
        .enum(IN_WANTED_STATE_VALUES)
        .meta({ description: 'Whether every aspect the machine should have (input, mute, ...) is as wanted; only machines with aspects.' })
        .optional(),
      dependencies: dependencyMemo.optional(),
    })
    .meta({ description: 'What Temporal visibility knows; the power and health fields appear after the first check.' }),
);
export type MachineSummary = z.output<typeof machineSummary>;

export const machinePage = named(
  'MachinePage',
  z.object({
    machines: z.array(machineSummary),
    nextCursor: text.meta({ description: 'Pass as `cursor` for the next page; absent on the last page.' }).optional(),
  }),
);
export type MachinePage = z.output<typeof machinePage>;

export const healthReport = named(
  'Health',
  z.object({
    temporal: z.enum(['ok', 'unreachable']),
    worker: z.enum(['ok', 'no-poller', 'unknown']),
    namespace: text,
    taskQueue: text,
    error: errorDetail.optional(),
  }),
);
export type HealthReport = z.output<typeof healthReport>;

const machineIds = z.array(text);
export const syncReport = named(
  'SyncReport',
  z.object({
    started: machineIds,
    updated: machineIds,
    unchanged: machineIds,
    retired: machineIds,
    readiness: z.enum(READINESS_SYNC_OUTCOMES).optional().meta({ description: "What became of the venue's readiness workflow (the venue file's `readiness:`)." }),
  }),
);
type _SyncSchemaIsTheReport = Assert<SameShape<z.output<typeof syncReport>, SyncReport>>;

const reportKind = z.enum(REPORT_KINDS);
const readinessEvent = {
  kind: reportKind,
  referenceMs: timeMs.meta({ description: 'The opening (doors-open) or closing (after-closing) the report is about.' }),
  dueMs: timeMs,
};
const readinessReport = named(
  'ReadinessReport',
  z.object({
    kind: reportKind,
    venue: text,
    referenceMs: timeMs,
    checkedAtMs: timeMs,
    machines: count.meta({ description: 'Machines the report is about: those that must be on at the opening, or off after the closing.' }),
    notReady: z.array(z.object({ id: text, name: text, group: text, reason: text })),
    summary: text,
    checksRequested: count.meta({ description: 'Machines asked to check and correct themselves once more before the report.' }),
    trigger: text.meta({ description: '`scheduled`, or who asked for it and why.' }),
    delivery: z.object({ delivered: z.boolean(), atMs: timeMs, detail: text }).optional(),
  }),
);
export const readinessStatus = named(
  'ReadinessStatus',
  z.object({
    venue: text,
    openingHours: text.meta({ description: 'The schedule whose windows are the openings.' }),
    next: z.object(readinessEvent).optional(),
    running: z.object({ ...readinessEvent, trigger: text }).optional(),
    reports: z.array(readinessReport).meta({ description: 'Newest first.' }),
  }),
);
export const reportAccepted = named('ReportAccepted', z.object({ workflowId: text, kind: reportKind, status: z.literal('accepted') }));
type _ReadinessSchemaIsTheContract = Assert<SameShape<z.output<typeof readinessStatus>, ReadinessStatus>>;
