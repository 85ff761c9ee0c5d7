/**
 * The five changes an operator can make, each a signal to the machine workflow. Machine,
 * group and venue routes all offer the same five, built from this table.
 */
import type { z } from 'zod';
import {
  clearOverrideSignal,
  endMaintenanceSignal,
  reconcileNowSignal,
  setOverrideSignal,
  startMaintenanceSignal,
} from '../workflows/machine/contract';
import { command, type Command } from './control';
import { actorBody, maintenanceBody, overrideBody, type ActorBody } from './schemas';

/** Who changed something when the caller does not say: the token's name. */
export const DEFAULT_ACTOR = 'api';
const NO_REASON = 'no reason given';

export interface Operation<S extends z.ZodType = z.ZodType> {
  method: 'post' | 'delete';
  /** The last path segment: /machines/:id/<action>, /groups/:group/<action>, /venue/<action>. */
  action: 'override' | 'maintenance' | 'reconcile';
  body: S;
  toCommand(body: z.output<S>): Command;
}

function operation<S extends z.ZodType>(op: Operation<S>): Operation {
  return op as unknown as Operation;
}

function actorOf(body: ActorBody) {
  return { by: body.by ?? DEFAULT_ACTOR, reason: body.reason ?? NO_REASON };
}

export const OPERATIONS: readonly Operation[] = [
  operation({
    method: 'post',
    action: 'override',
    body: overrideBody,
    toCommand: ({ power, until, reason, by }) =>
      command(setOverrideSignal, { power, untilMs: until, reason, by: by ?? DEFAULT_ACTOR }, `override ${power}`),
  }),
  operation({
    method: 'delete',
    action: 'override',
    body: actorBody,
    toCommand: (body) => command(clearOverrideSignal, actorOf(body), 'clear override'),
  }),
  operation({
    method: 'post',
    action: 'maintenance',
    body: maintenanceBody,
    toCommand: ({ until, reason, by }) =>
      command(startMaintenanceSignal, { untilMs: until, reason, by: by ?? DEFAULT_ACTOR }, 'start maintenance'),
  }),
  operation({
    method: 'delete',
    action: 'maintenance',
    body: actorBody,
    toCommand: (body) => command(endMaintenanceSignal, actorOf(body), 'end maintenance'),
  }),
  operation({
    method: 'post',
    action: 'reconcile',
    body: actorBody,
    toCommand: (body) => command(reconcileNowSignal, actorOf(body), 'reconcile now'),
  }),
];
