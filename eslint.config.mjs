import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * Workflow code runs in Temporal's deterministic sandbox and is replayed from history, so it may
 * not do I/O, read the environment or use real timers. These imports and globals are the usual
 * ways that creeps in; the workflow bundler would reject some of them only at worker start, and
 * others (a shared module with a side effect) would break replay silently.
 *
 * Allowed on purpose: Math.random, Date.now and new Date(): the sandbox makes them deterministic.
 */
const NODE_BUILTIN_MESSAGE = 'Workflow code is replayed in a sandbox without Node APIs: do I/O in an activity.';
const WORKER_SIDE_MESSAGE =
  'Workflow code may import only types from worker-side code (`import type`); call it through proxyActivities.';

/** The only top-level folders whose code may run inside a workflow; everything else is worker- or host-side. */
const WORKFLOW_SAFE_FOLDERS = ['workflows', 'domain'];
/**
 * Outside those folders, the driver families' specs (types, deadlines, labels) and their registry are
 * workflow code too: the workflow reads a machine's deadline and label from them.
 */
const DRIVER_SPEC_FILES = ['activities/drivers/specs.ts', 'activities/drivers/*/spec.ts'];
const DRIVER_SPEC_MODULE = 'activities/drivers/(?:specs|[^./][^/]*/spec)';
const WORKER_SIDE_PACKAGES = ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/envconfig'];

const workflowImportRule = {
  paths: [
    ...builtinModules
      .filter((name) => !name.startsWith('_'))
      .map((name) => ({ name, message: NODE_BUILTIN_MESSAGE })),
    ...WORKER_SIDE_PACKAGES.map((name) => ({ name, message: WORKER_SIDE_MESSAGE, allowTypeImports: true })),
  ],
  patterns: [
    { group: ['node:*'], message: NODE_BUILTIN_MESSAGE },
    {
      // Any relative import that climbs to the top level and enters a folder other than these, or a driver spec.
      // A workflow package (workflows/<name>/) may import a sibling package's contract, and nothing else of it.
      regex: `^(?!\\.\\./[^./][^/]*/contract$)(?:\\.\\./)+(?!(?:${WORKFLOW_SAFE_FOLDERS.join('|')})(?:/|$)|${DRIVER_SPEC_MODULE}$)[^./]`,
      message: WORKER_SIDE_MESSAGE,
      allowTypeImports: true,
    },
  ],
};

/** A driver spec imports other driver specs (its family's, shared/, another family's it builds on); anything else only as a type. */
const driverSpecImportRule = {
  patterns: [
    {
      regex: '^(?!\\.\\.?/(?:[^./][^/]*/)?spec$)',
      message: 'A driver spec is workflow code: import other driver specs, and anything else as a type only (`import type`).',
      allowTypeImports: true,
    },
  ],
};

const TIMER_MESSAGE = 'Use sleep() or condition() from @temporalio/workflow: they are durable timers recorded in history.';
const workflowGlobalsRule = [
  { name: 'setTimeout', message: TIMER_MESSAGE },
  { name: 'setInterval', message: TIMER_MESSAGE },
  { name: 'setImmediate', message: TIMER_MESSAGE },
  { name: 'fetch', message: NODE_BUILTIN_MESSAGE },
  { name: 'process', message: 'Workflow code must not read the environment: pass values in the workflow input.' },
];

/**
 * Outside workflows/, a workflow is its contract (signals, queries, status, ids): the rest of the
 * package can change shape, or be replayed by an older build, without any caller knowing.
 */
const contractOnlyRule = {
  patterns: [
    {
      regex: '(?:^|/)workflows/(?!index$)[^/.]+(?:/(?!contract$)|$)',
      message: 'Outside workflows/, import a workflow through its contract (workflows/<name>/contract.ts).',
    },
  ],
};

/** The simulator is a device's side of each protocol, written from the protocol's spec, so it cannot share a driver's mistake. */
const simulatorImportRule = {
  patterns: [
    ...contractOnlyRule.patterns,
    {
      regex: '^(?:\\.\\./)+(?:activities|workflows|domain)(?:/|$)',
      message: 'The simulator implements each protocol from its spec: it imports no driver or product code.',
    },
  ],
};

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', '.tools/', 'data/', 'reports/', 'test-results/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts'],
    ignores: ['workflows/**', 'domain/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', contractOnlyRule],
    },
  },
  {
    files: ['simulator/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', simulatorImportRule],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', workflowImportRule],
      'no-restricted-globals': ['error', ...workflowGlobalsRule],
    },
  },
  {
    files: DRIVER_SPEC_FILES,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', driverSpecImportRule],
      'no-restricted-globals': ['error', ...workflowGlobalsRule],
    },
  },
);
