/** Registers an operation of the table (api/operations.ts) with its handler: access guard, then the inputs parsed by the operation's schemas. */
import type { RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { AccessGuards } from '../auth';
import type { ApiOperation, Inputs } from '../operations';
import { parseInput } from '../schemas';

/** What the handler gets: each input the operation declares, parsed. */
export type InputOf<I extends Inputs> = { [K in keyof I]: I[K] extends z.ZodType ? z.output<I[K]> : never };

export function route<I extends Inputs>(
  router: Router,
  guards: AccessGuards,
  operation: ApiOperation<I>,
  handle: (input: InputOf<I>, res: Response) => Promise<void> | void,
): void {
  const guard: RequestHandler[] = operation.access === 'open' ? [] : [guards[operation.access]];
  // Path, then query, then body: a request wrong in several places is told about the first.
  const { path, query, body } = operation.input;
  router[operation.method](operation.path.replace(/\{(\w+)\}/g, ':$1'), ...guard, async (req, res) => {
    const input = {
      ...(path && { path: parseInput(path, req.params, 'path') }),
      ...(query && { query: parseInput(query, req.query, 'query') }),
      ...(body && { body: parseInput(body, req.body ?? {}, 'body') }),
    };
    await handle(input as InputOf<I>, res);
  });
}
