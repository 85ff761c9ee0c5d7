/**
 * Child process entry: the worker of the minimal Temporal loop (minimal-workflow.ts). It is our
 * worker, started as worker/main.ts starts it (the product's activities, slots, cache size and
 * environment variables), with the minimal loop's workflows in place of the machine workflow.
 */
import { runWorkerProcess } from '../../worker/start';

runWorkerProcess({ workflowsPath: require.resolve('./minimal-workflow') });
