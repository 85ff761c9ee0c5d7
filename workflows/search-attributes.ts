import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes of machine workflows. The dev server registers them at start
 * (devstack/dev-server.ts) and a production cluster needs them created once
 * (`temporal operator search-attribute create`).
 */
export const MachineId = defineSearchAttributeKey('MachineId', SearchAttributeType.KEYWORD);
export const MachineGroup = defineSearchAttributeKey('MachineGroup', SearchAttributeType.KEYWORD);
/** on | off */
export const DesiredPower = defineSearchAttributeKey('DesiredPower', SearchAttributeType.KEYWORD);
/** on | off | warming | cooling | unknown */
export const ObservedPower = defineSearchAttributeKey('ObservedPower', SearchAttributeType.KEYWORD);
/** ok | failing | unknown */
export const MachineHealth = defineSearchAttributeKey('MachineHealth', SearchAttributeType.KEYWORD);
/** schedule | override | maintenance */
export const ControlMode = defineSearchAttributeKey('ControlMode', SearchAttributeType.KEYWORD);

export const machineSearchAttributes = [
  MachineId,
  MachineGroup,
  DesiredPower,
  ObservedPower,
  MachineHealth,
  ControlMode,
] as const;
