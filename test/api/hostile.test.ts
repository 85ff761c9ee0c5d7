import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { ApiConfigurationError } from '../../api/auth';
import type { MachineOutcome } from '../../api/response-schemas';
import { machineWorkflowId } from '../../fleet/machines';
import { waitFor } from '../support/wait-for';
import { ALWAYS_OFF, machine, pjlinkDriver } from '../support/specs';
import { connectClient } from '../support/temporal';
import { machineFleet, quietLog, startApi, TOKEN, venueOf, type ApiUnderTest, type CallOptions, type ErrorBody } from './support';

/** Its workflow runs on a task queue nobody polls: signals are accepted and wait there. */
const RUNNING = 'api-hostile-running';
const RETIRED = 'api-hostile-retired';
const GROUP = 'api-hostile-group';

let client: Client;
let api: ApiUnderTest;
let fleet: ReturnType<typeof machineFleet>;
const taskQueue = `api-hostile-${randomUUID()}`;

beforeAll(async () => {
  client = await connectClient();
  fleet = machineFleet(client, taskQueue);
  // Port 9 (discard) is never probed: no worker runs these workflows.
  const specs = [RUNNING, RETIRED].map((id) => machine(id, pjlinkDriver(9), { group: GROUP, schedule: ALWAYS_OFF }));
  await fleet.start(specs);
  await client.workflow.getHandle(machineWorkflowId(RETIRED)).terminate('removed for the test');
  api = await startApi({ client, taskQueue, venue: venueOf(specs) });
  await waitFor('visibility to list the running machine', async () => {
    const response = await api.call<{ machines: unknown[] }>('GET', `/machines?group=${GROUP}`);
    return response.body.machines?.length === 1;
  });
});

afterAll(async () => {
  await fleet?.terminateAll();
  await api?.stop();
  await client?.connection.close();
});

interface HostileRequest extends CallOptions {
  name: string;
  method: string;
  path: string;
  status: number;
  code: string;
  field?: string;
}

const override = `/machines/${RUNNING}/override`;
const valid = { power: 'on', reason: 'test' };

const HOSTILE: HostileRequest[] = [
  // Authentication
  { name: 'no Authorization header', method: 'POST', path: override, json: valid, token: null, status: 401, code: 'unauthorized' },
  { name: 'a wrong token', method: 'POST', path: override, json: valid, token: 'not-the-token-at-all', status: 401, code: 'unauthorized' },
  { name: 'the token with a suffix', method: 'POST', path: override, json: valid, token: `${TOKEN}x`, status: 401, code: 'unauthorized' },
  { name: 'Basic instead of Bearer', method: 'POST', path: override, json: valid, token: null, headers: { authorization: `Basic ${TOKEN}` }, status: 401, code: 'unauthorized' },
  { name: 'a read without token while reads are closed', method: 'GET', path: '/machines', token: null, status: 401, code: 'unauthorized' },
  { name: 'sync without token', method: 'POST', path: '/sync', token: null, status: 401, code: 'unauthorized' },
  // Bodies
  { name: 'truncated JSON', method: 'POST', path: override, raw: '{"power":', headers: { 'content-type': 'application/json' }, status: 400, code: 'invalid_json' },
  { name: 'a JSON string instead of an object', method: 'POST', path: override, raw: '"on"', headers: { 'content-type': 'application/json' }, status: 400, code: 'invalid_json' },
  { name: 'a JSON array instead of an object', method: 'POST', path: override, json: [valid], status: 400, code: 'invalid_request' },
  { name: 'a body that is not JSON', method: 'POST', path: override, raw: 'power=on', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, code: 'unsupported_media_type' },
  { name: 'a body larger than 16 KiB', method: 'POST', path: override, json: { ...valid, reason: 'x'.repeat(17 * 1024) }, status: 413, code: 'payload_too_large' },
  { name: 'power "maybe"', method: 'POST', path: override, json: { ...valid, power: 'maybe' }, status: 400, code: 'invalid_request', field: 'power' },
  { name: 'power as a number', method: 'POST', path: override, json: { ...valid, power: 1 }, status: 400, code: 'invalid_request', field: 'power' },
  { name: 'no reason', method: 'POST', path: override, json: { power: 'on' }, status: 400, code: 'invalid_request', field: 'reason' },
  { name: 'a blank reason', method: 'POST', path: override, json: { ...valid, reason: '   ' }, status: 400, code: 'invalid_request', field: 'reason' },
  { name: 'a 600-character reason', method: 'POST', path: override, json: { ...valid, reason: 'x'.repeat(600) }, status: 400, code: 'invalid_request', field: 'reason' },
  { name: 'by as an object', method: 'POST', path: override, json: { ...valid, by: { name: 'x' } }, status: 400, code: 'invalid_request', field: 'by' },
  { name: 'an unknown field', method: 'POST', path: override, json: { ...valid, admin: true }, status: 400, code: 'invalid_request', field: 'admin' },
  { name: 'a __proto__ field', method: 'POST', path: override, raw: '{"power":"on","reason":"x","__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' }, status: 400, code: 'invalid_request', field: '__proto__' },
  { name: 'until "tomorrow"', method: 'POST', path: override, json: { ...valid, until: 'tomorrow' }, status: 400, code: 'invalid_request', field: 'until' },
  { name: 'until in the past', method: 'POST', path: override, json: { ...valid, until: '2001-01-01T00:00:00Z' }, status: 400, code: 'invalid_request', field: 'until' },
  { name: 'until "0s"', method: 'POST', path: override, json: { ...valid, until: '0s' }, status: 400, code: 'invalid_request', field: 'until' },
  { name: 'until on the 45th of the 13th month', method: 'POST', path: override, json: { ...valid, until: '2031-13-45T00:00:00Z' }, status: 400, code: 'invalid_request', field: 'until' },
  { name: 'until as a number', method: 'POST', path: override, json: { ...valid, until: 1_900_000_000_000 }, status: 400, code: 'invalid_request', field: 'until' },
  { name: 'until beyond any date', method: 'POST', path: override, json: { ...valid, until: '99999999999999999d' }, status: 400, code: 'invalid_request', field: 'until' },
  { name: 'units in the wrong order', method: 'POST', path: override, json: { ...valid, until: '30m1h' }, status: 400, code: 'invalid_request', field: 'until' },
  { name: 'maintenance without a reason', method: 'POST', path: `/machines/${RUNNING}/maintenance`, json: { until: '1h' }, status: 400, code: 'invalid_request', field: 'reason' },
  { name: 'sync with an unknown field', method: 'POST', path: '/sync', json: { machines: [] }, status: 400, code: 'invalid_request', field: 'machines' },
  // Paths
  { name: 'an encoded path traversal in the id', method: 'POST', path: '/machines/..%2F..%2Fetc%2Fpasswd/override', json: valid, status: 400, code: 'invalid_request', field: 'id' },
  { name: 'a raw path traversal', method: 'GET', path: '/machines/../../etc/passwd', status: 404, code: 'not_found' },
  { name: 'an upper-case id', method: 'GET', path: '/machines/Projector-1', status: 400, code: 'invalid_request', field: 'id' },
  { name: 'a 64-character id', method: 'GET', path: `/machines/${'a'.repeat(64)}`, status: 400, code: 'invalid_request', field: 'id' },
  { name: 'an id with a quote', method: 'POST', path: "/machines/x'%20OR%20'1'='1/reconcile", status: 400, code: 'invalid_request', field: 'id' },
  { name: 'broken percent-encoding', method: 'GET', path: '/machines/%E0%A4%A', status: 400, code: 'invalid_request' },
  { name: 'an encoded traversal in a group', method: 'POST', path: '/groups/..%2F..%2F/reconcile', status: 400, code: 'invalid_request', field: 'group' },
  { name: 'an unknown machine', method: 'POST', path: '/machines/no-such-machine/override', json: valid, status: 404, code: 'machine_not_found', field: 'id' },
  { name: 'a retired machine', method: 'POST', path: `/machines/${RETIRED}/override`, json: valid, status: 409, code: 'machine_not_running', field: 'id' },
  { name: 'the status of a retired machine', method: 'GET', path: `/machines/${RETIRED}`, status: 409, code: 'machine_not_running', field: 'id' },
  { name: 'an unknown group', method: 'POST', path: '/groups/no-such-group/override', json: valid, status: 404, code: 'group_not_found', field: 'group' },
  { name: 'an unknown route', method: 'GET', path: '/admin', status: 404, code: 'not_found' },
  { name: 'a method the path does not have', method: 'DELETE', path: `/machines/${RUNNING}/reconcile`, status: 404, code: 'not_found' },
  // Query strings
  { name: 'wait "forever"', method: 'POST', path: `${override}?wait=forever`, json: valid, status: 400, code: 'invalid_request', field: 'wait' },
  { name: 'wait longer than 30 s', method: 'POST', path: `${override}?wait=31s`, json: valid, status: 400, code: 'invalid_request', field: 'wait' },
  { name: 'an unknown query parameter', method: 'POST', path: `${override}?force=1`, json: valid, status: 400, code: 'invalid_request', field: 'force' },
  { name: 'limit 0', method: 'GET', path: '/machines?limit=0', status: 400, code: 'invalid_request', field: 'limit' },
  { name: 'limit 1001', method: 'GET', path: '/machines?limit=1001', status: 400, code: 'invalid_request', field: 'limit' },
  { name: 'limit "ten"', method: 'GET', path: '/machines?limit=ten', status: 400, code: 'invalid_request', field: 'limit' },
  { name: 'an unknown health', method: 'GET', path: '/machines?health=sick', status: 400, code: 'invalid_request', field: 'health' },
  { name: 'a visibility query injected in group', method: 'GET', path: "/machines?group=x'%20OR%20'1'%3D'1", status: 400, code: 'invalid_request', field: 'group' },
  { name: 'a visibility query injected in mode', method: 'GET', path: "/machines?mode=override'%20OR%20ExecutionStatus%3D'Completed", status: 400, code: 'invalid_request', field: 'mode' },
  { name: 'group given twice', method: 'GET', path: '/machines?group=a&group=b', status: 400, code: 'invalid_request', field: 'group' },
  { name: 'a cursor with foreign characters', method: 'GET', path: '/machines?cursor=!!!', status: 400, code: 'invalid_request', field: 'cursor' },
  { name: 'a forged cursor', method: 'GET', path: `/machines?cursor=${Buffer.from('{"forged":true}').toString('base64url')}.${'A'.repeat(22)}`, status: 400, code: 'invalid_request', field: 'cursor' },
];

describe('malformed and hostile requests', () => {
  it.each(HOSTILE)('when $name, then $status $code', async ({ name: _name, method, path, status, code, field, ...options }) => {
    const response = await api.call<ErrorBody>(method, path, options);

    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
    expect({ status: response.status, code: response.body.error?.code, field: response.body.error?.field }).toEqual({ status, code, field });
    expect(response.body.error.message.length).toBeGreaterThan(0);
  });

  it('when the same request is well formed, then it is accepted (the table fails for the reason it names)', async () => {
    const response = await api.call<{ status: string }>('POST', `${override}?wait=0s`, { json: { ...valid, until: '2h', by: 'tester' } });

    expect(response.status).toBe(202);
    expect(response.body.status).toBe('accepted');
  });

  it('when a group of the configuration holds a machine whose workflow has ended, then the others get the change and that one is reported', async () => {
    const response = await api.call<{ results: MachineOutcome[] }>('POST', `/groups/${GROUP}/reconcile`);

    expect(response.status).toBe(200);
    expect(response.body.results).toMatchObject([
      { machine: RETIRED, status: 'failed', error: { code: 'machine_not_running' } },
      { machine: RUNNING, status: 'accepted' },
    ]);
  });

  it('when all of the above has been sent, then the server still answers /healthz', async () => {
    const response = await api.call<{ temporal: string }>('GET', '/healthz');

    expect(response.body.temporal).toBe('ok');
  });
});

describe('access settings', () => {
  it('when no token is configured and it is not a local demo, then the app refuses to start', () => {
    expect(() => createApp({ client, namespace: 'default', taskQueue, log: quietLog })).toThrow(ApiConfigurationError);
  });

  it('when it is a local demo without a token, then changes need no token', async () => {
    const demo = await startApi({ client, taskQueue, token: undefined, localDemo: true });
    try {
      const response = await demo.call('POST', `/machines/${RUNNING}/reconcile`, { token: null });
      expect(response.status).toBe(202);
    } finally {
      await demo.stop();
    }
  });

  it('when reads are open, then listing needs no token but changes still do', async () => {
    const openReads = await startApi({ client, taskQueue, openReads: true });
    try {
      expect((await openReads.call('GET', `/machines?group=${GROUP}`, { token: null })).status).toBe(200);
      expect((await openReads.call('POST', `/machines/${RUNNING}/reconcile`, { token: null })).status).toBe(401);
    } finally {
      await openReads.stop();
    }
  });
});

describe('Temporal unreachable', () => {
  it('when Temporal cannot be reached, then reads, changes and /healthz answer 503 with a clear message', async () => {
    const unreachable = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await closedPort()}` }) });
    const lost = await startApi({ client: unreachable, taskQueue, temporalTimeoutMs: 1000 });
    try {
      const list = await lost.call<ErrorBody>('GET', '/machines');
      expect(list.status).toBe(503);
      expect(list.body.error.code).toBe('temporal_unavailable');
      expect(list.body.error.message).toMatch(/Temporal/);

      const change = await lost.call<ErrorBody>('POST', override, { json: valid });
      expect(change.status).toBe(503);
      expect(change.body.error.code).toBe('temporal_unavailable');

      const health = await lost.call<{ temporal: string }>('GET', '/healthz');
      expect(health.status).toBe(503);
      expect(health.body.temporal).toBe('unreachable');
    } finally {
      await lost.stop();
      await unreachable.connection.close();
    }
  });
});

/** A port that nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
