import { beforeEach, describe, expect, it } from 'vitest';
import { pjlinkDriver as pjlink } from '../../activities/drivers/pjlink/client';
import type { PjlinkDriverSpec } from '../../activities/drivers/pjlink/spec';
import { DeviceBusyError, DeviceProtocolError } from '../../activities/errors';
import { TIMEOUTS, callFor, rejectionOf, target, useSimulator } from './support';
import { secretsFrom } from '../support/secrets';

const INPUTS = { HDMI1: '31', HDMI2: '32' };

const simulator = useSimulator({
  devices: [
    { kind: 'pjlink', id: 'proj-on', initialPower: 'on', warmupMs: 0, cooldownMs: 0, inputs: ['11', '31', '32'], initialInput: '32' },
    { kind: 'pjlink', id: 'proj-locked', initialPower: 'on', password: 'sesame', warmupMs: 0, cooldownMs: 0, inputs: ['31', '32'] },
    { kind: 'pjlink', id: 'proj-warming', initialPower: 'off', warmupMs: 60_000, cooldownMs: 0 },
    {
      kind: 'pjlink',
      id: 'proj-telemetry',
      initialPower: 'on',
      warmupMs: 0,
      cooldownMs: 0,
      lampHours: 1500,
      errorStatus: '020000',
      name: 'Gallery 3',
      manufacturer: 'ACME',
      model: 'PJ-9000',
      info: 'firmware 1.2',
    },
    { kind: 'pjlink', id: 'proj-laser', initialPower: 'on', warmupMs: 0, cooldownMs: 0, lamp: false },
  ],
});

/** The suite's support switches every device off before each test; these projectors start each test on. */
beforeEach(() => {
  for (const id of ['proj-on', 'proj-locked', 'proj-telemetry', 'proj-laser']) simulator.device(id).setPower('on');
  simulator.device('proj-on', 'pjlink').setInput('32');
});

function projector(id: string, spec: Partial<PjlinkDriverSpec> = {}) {
  return target(id, { type: 'pjlink', host: '127.0.0.1', port: simulator.device(id).port, timeouts: TIMEOUTS, inputs: INPUTS, ...spec });
}

describe('pjlink aspects', () => {
  it('when a probe asks for input and mute of an on projector, then both are read, the input by its venue name', async () => {
    await expect(pjlink.probe(callFor(projector('proj-on')), ['input', 'mute'])).resolves.toEqual({
      power: 'on',
      detail: '%1POWR=1',
      aspects: { input: 'HDMI2', mute: false },
    });
  });

  it('when an input has no venue name, then it reads as its code', async () => {
    simulator.device('proj-on', 'pjlink').setInput('11');
    await expect(pjlink.probe(callFor(projector('proj-on')), ['input'])).resolves.toMatchObject({ aspects: { input: '11' } });
  });

  it('when the input and mute are set, then the projector switches, by name or by code, and the commands are logged', async () => {
    const call = callFor(projector('proj-on'));
    await expect(pjlink.setAspect?.(call, 'input', 'HDMI1')).resolves.toEqual({ detail: '%1INPT=OK' });
    await expect(pjlink.setAspect?.(call, 'mute', true)).resolves.toEqual({ detail: '%1AVMT=OK' });
    const device = simulator.device('proj-on', 'pjlink');
    expect(device.input).toBe('31');
    expect(device.avMute).toBe('31');
    expect(device.commands.map((entry) => entry.command).slice(-2)).toEqual(['INPT 31', 'AVMT 31']);
    await pjlink.setAspect?.(call, 'mute', false);
    await expect(pjlink.probe(call, ['mute'])).resolves.toMatchObject({ aspects: { mute: false } });
  });

  it('when authentication is on, then the aspects are read on the authenticated connection: only its first command carries the digest', async () => {
    const call = callFor(projector('proj-locked', { password: { secret: 'pw' } }), { secrets: secretsFrom({ pw: 'sesame' }) });
    await expect(pjlink.probe(call, ['input', 'mute'])).resolves.toMatchObject({ power: 'on', aspects: { input: 'HDMI1', mute: false } });
  });

  it('when the projector is warming up, then no aspect is asked and an input change is refused as busy', async () => {
    const call = callFor(projector('proj-warming'));
    await pjlink.setPower(call, 'on');
    await expect(pjlink.probe(call, ['input', 'mute'])).resolves.toEqual({ power: 'warming', detail: '%1POWR=3' });
    const error = await rejectionOf(pjlink.setAspect!(call, 'input', 'HDMI1'));
    expect(error).toBeInstanceOf(DeviceBusyError);
    expect(simulator.device('proj-warming').commands.map((entry) => entry.command)).toEqual(['POWR 1', 'ERR3 INPT 31']);
  });

  it('when an input the projector lacks is set, then ERR2 is a protocol error naming the step', async () => {
    const error = await rejectionOf(pjlink.setAspect!(callFor(projector('proj-on')), 'input', '59'));
    expect(error).toBeInstanceOf(DeviceProtocolError);
    expect(error.message).toContain('parameter out of range (ERR2)');
    expect(error.message).toContain('await INPT reply');
  });
});

describe('pjlink telemetry', () => {
  it('when telemetry is read, then lamp hours, the error status and identity come back from one connection', async () => {
    const telemetry = await pjlink.readTelemetry!(callFor(projector('proj-telemetry')));
    expect(telemetry).toEqual({
      lamps: [{ hours: 1500, lit: true }],
      errors: { fan: 'ok', lamp: 'error', temperature: 'ok', cover: 'ok', filter: 'ok', other: 'ok' },
      inputs: ['11', '31', '32'],
      name: 'Gallery 3',
      manufacturer: 'ACME',
      model: 'PJ-9000',
      info: 'firmware 1.2',
      protocolClass: '1',
    });
  });

  it('when the projector has no lamp, then LAMP is listed as unanswered and the rest is read', async () => {
    const telemetry = await pjlink.readTelemetry!(callFor(projector('proj-laser')));
    expect(telemetry.lamps).toBeUndefined();
    expect(telemetry.unanswered).toEqual(['LAMP: undefined command (ERR1)']);
    expect(telemetry.errors?.lamp).toBe('ok');
  });
});
