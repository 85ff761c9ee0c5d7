// The workflow bundle's entry point: every workflow type the worker registers.
export { machineWorkflow } from './machine/workflow';
export { readinessWorkflow } from './readiness/workflow';
