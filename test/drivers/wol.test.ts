import { describe, expect, it } from 'vitest';
import { deviceCallDeadlineMs } from '../../activities/drivers/specs';
import { wolDriver as wol } from '../../activities/drivers/wol/client';
import type { WolDriverSpec, WolOffSpec, WolProbeSpec } from '../../activities/drivers/wol/spec';
import { DeviceConfigError, DeviceError, DeviceTimeoutError } from '../../activities/errors';
import { TIMEOUTS, callFor, rejectionOf, target, useSimulator } from './support';

const simulator = useSimulator({
  devices: [
    { kind: 'wol', id: 'pc-1', mac: 'aa:bb:cc:dd:ee:01' },
    { kind: 'tcp', id: 'pdu-1' },
  ],
});

const pc = () => simulator.device('pc-1');

const tcpConnectProbe = (): WolProbeSpec => ({ type: 'tcp-connect', host: '127.0.0.1', port: pc().port, timeouts: TIMEOUTS });

const httpProbe = (): WolProbeSpec => ({
  type: 'http',
  baseUrl: `http://127.0.0.1:${pc().port}`,
  timeouts: TIMEOUTS,
  maxResponseBytes: 4096,
  probe: {
    method: 'GET',
    path: '/status',
    read: { from: 'json', path: 'power' },
    states: { on: ['on'], off: [], cooling: ['shutting-down'] },
  },
});

const httpShutdown = (): WolOffSpec => ({
  type: 'http',
  baseUrl: `http://127.0.0.1:${pc().port}`,
  timeouts: TIMEOUTS,
  maxResponseBytes: 4096,
  request: { method: 'POST', path: '/shutdown' },
});

function workstation(overrides: Partial<WolDriverSpec> = {}) {
  const driver: WolDriverSpec = {
    type: 'wol',
    mac: 'AA-BB-CC-DD-EE-01',
    broadcast: '127.0.0.1',
    port: pc().wolPort ?? 0,
    probe: tcpConnectProbe(),
    off: httpShutdown(),
    ...overrides,
  };
  return target('pc-1', driver);
}

describe('wake-on-lan driver', () => {
  it('when the PC is off, then the tcp-connect probe reads the refusal as off, not as an error', async () => {
    const reading = await wol.probe(callFor(workstation()));
    expect(reading.power).toBe('off');
    expect(reading.detail).toContain('connection refused');
  });

  it('when switched on, then the magic packet wakes the PC and the probe sees it on', async () => {
    await expect(wol.setPower(callFor(workstation()), 'on')).resolves.toMatchObject({
      detail: expect.stringContaining('magic packet'),
    });
    await expect.poll(() => pc().power).toBe('on');
    expect(pc().commands.at(-1)?.command).toBe('WOL');
    await expect(wol.probe(callFor(workstation()))).resolves.toMatchObject({ power: 'on' });
  });

  it('when switched off, then the agent is asked over HTTP to shut down', async () => {
    pc().setPower('on');
    await expect(wol.setPower(callFor(workstation()), 'off')).resolves.toEqual({ detail: 'HTTP 202 {"ok":true}' });
    await expect.poll(() => pc().power).toBe('off');
  });

  it('when the probe is HTTP, then the agent answers on and a refused agent reads as off', async () => {
    const machine = workstation({ probe: httpProbe() });
    await expect(wol.probe(callFor(machine))).resolves.toMatchObject({ power: 'off' });
    pc().setPower('on');
    await expect(wol.probe(callFor(machine))).resolves.toEqual({ power: 'on', detail: 'HTTP 200 {"power":"on"}' });
  });

  it('when the agent accepts but never answers an HTTP probe, then that is a DeviceTimeoutError, not off', async () => {
    pc().setPower('on');
    pc().setFault({ mode: 'hang' });
    const error = await rejectionOf(wol.probe(callFor(workstation({ probe: httpProbe() }))));
    expect(error).toBeInstanceOf(DeviceTimeoutError);
  });

  it('when power-off is a TCP line command, then the line exchange is used', async () => {
    const pdu = simulator.device('pdu-1');
    pdu.setPower('on');
    const off: WolOffSpec = {
      type: 'tcp',
      host: '127.0.0.1',
      port: pdu.port,
      sendTerminator: '\r\n',
      receiveTerminator: '\r\n',
      timeouts: TIMEOUTS,
      maxResponseBytes: 1024,
      exchange: { send: 'POWER OFF', expect: '^OK$' },
    };
    await expect(wol.setPower(callFor(workstation({ off })), 'off')).resolves.toEqual({ detail: 'OK' });
    expect(pdu.power).toBe('off');
  });

  it('when the MAC is malformed, then DeviceConfigError and no packet is sent', async () => {
    const error = await rejectionOf(wol.setPower(callFor(workstation({ mac: 'aa:bb:cc' })), 'on'));
    expect(error).toBeInstanceOf(DeviceConfigError);
    expect(error.message).toContain('invalid MAC address "aa:bb:cc"');
    expect(pc().power).toBe('off');
  });

  it('when the signal is already aborted, then no packet is sent', async () => {
    const signal = AbortSignal.abort(new Error('cancelled'));
    const error = await rejectionOf(wol.setPower(callFor(workstation(), { signal }), 'on'));
    expect(error).toBeInstanceOf(DeviceError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pc().power).toBe('off');
  });

  it('then its deadline is that of its slowest call, at least the magic packet send', () => {
    const slowAgent = { ...httpShutdown(), timeouts: { connectMs: 1000, responseMs: 2000 } };
    expect(deviceCallDeadlineMs(workstation({ off: slowAgent }).driver)).toBe(3000);
    expect(deviceCallDeadlineMs(workstation().driver)).toBe(1000);
  });
});
