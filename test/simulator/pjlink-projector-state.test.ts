import { afterEach, describe, expect, it } from 'vitest';
import { InvalidSettingError, SimulatorConfigError, startSimulator, type DeviceConfig } from '../../simulator/index';
import { cleanUp, eventually, greeted, pause, pjlinkDigest, startDevice, type Peer } from './helpers';

const CR = '\r';

afterEach(cleanUp);

function commandsOf(device: { commands: { command: string }[] }): string[] {
  return device.commands.map((c) => c.command);
}

/** The one lamp's `LAMP ?` answer: its hours, and '1' when lit. */
async function askLamp(peer: Peer): Promise<{ hours: number; lit: string | undefined }> {
  const [, hours, lit] = /^%1LAMP=(\d+) ([01])$/.exec(await peer.ask('%1LAMP ?', CR)) ?? [];
  return { hours: Number(hours), lit };
}

describe('pjlink inputs', () => {
  it('when no inputs are configured, then INST lists 11 31 32 and the projector starts on the first', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1INST ?', CR)).toBe('%1INST=11 31 32');
    expect(await peer.ask('%1INPT ?', CR)).toBe('%1INPT=11');
    expect(device.input).toBe('11');
  });

  it('when inputs and an initial input are configured, then INST and INPT ? answer them', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', inputs: ['31', '32', '51'], initialInput: '32' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1INST ?', CR)).toBe('%1INST=31 32 51');
    expect(await peer.ask('%1INPT ?', CR)).toBe('%1INPT=32');
  });

  it('when INPT selects one of its inputs while on, then it answers OK, switches and logs the command', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', initialPower: 'on' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1INPT 32', CR)).toBe('%1INPT=OK');
    expect(await peer.ask('%1INPT ?', CR)).toBe('%1INPT=32');
    expect(commandsOf(device)).toEqual(['INPT 32']);
  });

  it('when INPT names an input the projector lacks, then it answers ERR2, logs the rejection and keeps its input', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', initialPower: 'on' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1INPT 12', CR)).toBe('%1INPT=ERR2');
    expect(await peer.ask('%1INPT 3', CR)).toBe('%1INPT=ERR2');
    expect(device.input).toBe('11');
    expect(commandsOf(device)).toEqual(['ERR2 INPT 12', 'ERR2 INPT 3']);
  });

  it('when INPT is sent while off, warming or cooling, then it answers ERR3 each time and nothing but the power commands is accepted', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', warmupMs: 10_000, cooldownMs: 10_000 });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1INPT 31', CR)).toBe('%1INPT=ERR3');
    expect(await peer.ask('%1POWR 1', CR)).toBe('%1POWR=OK');
    expect(await peer.ask('%1INPT 31', CR)).toBe('%1INPT=ERR3');
    device.setPower('on');
    expect(await peer.ask('%1POWR 0', CR)).toBe('%1POWR=OK');
    expect(await peer.ask('%1INPT 31', CR)).toBe('%1INPT=ERR3');
    expect(device.input).toBe('11');
    expect(commandsOf(device)).toEqual(['ERR3 INPT 31', 'POWR 1', 'ERR3 INPT 31', 'POWR 0', 'ERR3 INPT 31']);
  });

  it('when setInput is called, then the input changes in any power state without a log entry; an input it lacks throws', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink' });
    device.setInput('32');
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1INPT ?', CR)).toBe('%1INPT=32');
    expect(() => device.setInput('12')).toThrow(InvalidSettingError);
    expect(device.commands).toEqual([]);
  });
});

describe('pjlink input drift', () => {
  it('when driftInputEveryMs is set and the projector is on, then its input changes by itself, and no command is logged', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', initialPower: 'on', inputs: ['31', '32'], driftInputEveryMs: 100 });
    const { peer } = await greeted(device.port);
    await eventually(async () => expect(await peer.ask('%1INPT ?', CR)).toBe('%1INPT=32'), 5_000);
    expect(device.commands).toEqual([]);
  });

  it('when driftInputEveryMs is set and the projector is off, then its input stays', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', inputs: ['31', '32'], driftInputEveryMs: 20 });
    await pause(200);
    expect(device.input).toBe('31');
  });

  it('when the simulator is stopped, then the input drifts no more', async () => {
    const { simulator, device } = await startDevice({ id: 'p', kind: 'pjlink', initialPower: 'on', inputs: ['31', '32'], driftInputEveryMs: 20 });
    await simulator.stop();
    const inputWhenStopped = device.input;
    await pause(200);
    expect(device.input).toBe(inputWhenStopped);
  });
});

describe('pjlink AV mute', () => {
  it('when AVMT codes are set while on, then each switches video, audio or both and AVMT ? answers 30, 11, 21 or 31', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', initialPower: 'on' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1AVMT ?', CR)).toBe('%1AVMT=30');
    const answersAfter: [string, string][] = [
      ['11', '11'],
      ['21', '31'],
      ['10', '21'],
      ['20', '30'],
      ['31', '31'],
      ['30', '30'],
    ];
    for (const [code, state] of answersAfter) {
      expect(await peer.ask(`%1AVMT ${code}`, CR)).toBe('%1AVMT=OK');
      expect(await peer.ask('%1AVMT ?', CR)).toBe(`%1AVMT=${state}`);
    }
    expect(commandsOf(device)).toEqual(['AVMT 11', 'AVMT 21', 'AVMT 10', 'AVMT 20', 'AVMT 31', 'AVMT 30']);
  });

  it('when AVMT gets a code that is not a set code, then ERR2; while not on, then ERR3; both logged and the mute unchanged', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', initialMute: '21', warmupMs: 10_000 });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1AVMT 40', CR)).toBe('%1AVMT=ERR2');
    expect(await peer.ask('%1AVMT 31', CR)).toBe('%1AVMT=ERR3');
    expect(await peer.ask('%1POWR 1', CR)).toBe('%1POWR=OK');
    expect(await peer.ask('%1AVMT 30', CR)).toBe('%1AVMT=ERR3');
    expect(await peer.ask('%1AVMT ?', CR)).toBe('%1AVMT=21');
    expect(device.avMute).toBe('21');
    expect(commandsOf(device)).toEqual(['ERR2 AVMT 40', 'ERR3 AVMT 31', 'POWR 1', 'ERR3 AVMT 30']);
  });

  it('when setAvMute is called, then the mute changes without a log entry; a code that is not a set code throws', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink' });
    device.setAvMute('11');
    expect(device.avMute).toBe('11');
    expect(() => device.setAvMute('40')).toThrow(InvalidSettingError);
    expect(device.commands).toEqual([]);
  });
});

describe('pjlink lamp', () => {
  it('when the projector is on, then the lamp is lit and its hours grow; when off, then it is out and they stand still', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', initialPower: 'on', lampHours: 100, lampHourMs: 20 });
    const { peer } = await greeted(device.port);
    await eventually(async () => {
      const lamp = await askLamp(peer);
      expect(lamp.lit).toBe('1');
      expect(lamp.hours).toBeGreaterThanOrEqual(105);
    }, 5_000);

    device.setPower('off');
    const hoursWhenOff = device.lampHours;
    await pause(200);
    expect(await askLamp(peer)).toEqual({ hours: hoursWhenOff, lit: '0' });
  });

  it('when no lamp hours are configured, then LAMP starts at 1234 hours, unlit while off', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1LAMP ?', CR)).toBe('%1LAMP=1234 0');
    expect(device.lampHours).toBe(1234);
  });

  it('when the projector has no lamp (laser or LED), then LAMP answers ERR1', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', initialPower: 'on', lamp: false });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1LAMP ?', CR)).toBe('%1LAMP=ERR1');
    expect(device.lampHours).toBeUndefined();
  });
});

describe('pjlink error status and identity', () => {
  it('when an error status is configured or set, then ERST answers it; a malformed one throws', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', errorStatus: '000010' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1ERST ?', CR)).toBe('%1ERST=000010');
    device.setErrorStatus('020000');
    expect(await peer.ask('%1ERST ?', CR)).toBe('%1ERST=020000');
    expect(() => device.setErrorStatus('030000')).toThrow(InvalidSettingError);
    expect(device.errorStatus).toBe('020000');
  });

  it('when nothing is configured, then ERST reports no error and the identity answers are the defaults', async () => {
    const { device } = await startDevice({ id: 'hall-proj', kind: 'pjlink' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1ERST ?', CR)).toBe('%1ERST=000000');
    expect(await peer.ask('%1NAME ?', CR)).toBe('%1NAME=hall-proj');
    expect(await peer.ask('%1INF1 ?', CR)).toBe('%1INF1=SIMULATOR');
    expect(await peer.ask('%1INF2 ?', CR)).toBe('%1INF2=SIM-PJLINK');
    expect(await peer.ask('%1INFO ?', CR)).toBe('%1INFO=simulated');
    expect(await peer.ask('%1CLSS ?', CR)).toBe('%1CLSS=1');
  });

  it('when name, manufacturer, model and info are configured, then NAME, INF1, INF2 and INFO answer them', async () => {
    const { device } = await startDevice({
      id: 'p',
      kind: 'pjlink',
      name: 'Main Hall Left',
      manufacturer: 'ACME',
      model: 'PJ-9000 WUXGA',
      info: 'fw 2.1',
    });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1NAME ?', CR)).toBe('%1NAME=Main Hall Left');
    expect(await peer.ask('%1INF1 ?', CR)).toBe('%1INF1=ACME');
    expect(await peer.ask('%1INF2 ?', CR)).toBe('%1INF2=PJ-9000 WUXGA');
    expect(await peer.ask('%1INFO ?', CR)).toBe('%1INFO=fw 2.1');
  });
});

describe('pjlink sessions with a password', () => {
  it('when the first command carries the digest, then the later ones on that connection change input and mute without one', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', password: 'secret', initialPower: 'on' });
    const { peer, greeting } = await greeted(device.port);
    const random = greeting.split(' ')[2]!;
    expect(await peer.ask(`${pjlinkDigest(random, 'secret')}%1INPT 32`, CR)).toBe('%1INPT=OK');
    expect(await peer.ask('%1AVMT 31', CR)).toBe('%1AVMT=OK');
    expect(await peer.ask('%1INPT ?', CR)).toBe('%1INPT=32');
    expect(await peer.ask('%1AVMT ?', CR)).toBe('%1AVMT=31');
    expect(await peer.ask('%1LAMP ?', CR)).toMatch(/^%1LAMP=\d+ 1$/);
    expect(commandsOf(device)).toEqual(['INPT 32', 'AVMT 31']);
  });

  it('when an AVMT command carries a wrong digest, then it is answered ERRA and logged as such', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', password: 'secret', initialPower: 'on' });
    const { peer, greeting } = await greeted(device.port);
    expect(await peer.ask(`${pjlinkDigest(greeting.split(' ')[2]!, 'wrong')}%1AVMT 31`, CR)).toBe('PJLINK ERRA');
    expect(device.avMute).toBe('30');
    expect(commandsOf(device)).toEqual(['ERRA AVMT 31']);
  });
});

describe('pjlink configuration', () => {
  async function problemsOf(device: DeviceConfig): Promise<string[]> {
    const error = await startSimulator({ devices: [device] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulatorConfigError);
    return (error as SimulatorConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }

  it('when the initial input is not one of the inputs, then the config is rejected naming the inputs', async () => {
    expect(await problemsOf({ id: 'p', kind: 'pjlink', inputs: ['31', '32'], initialInput: '11' })).toEqual([
      'devices[0].initialInput: must be one of inputs: 31, 32',
    ]);
  });

  it('when inputs repeat, are empty or are not class 1 codes, or the error status is malformed, then each is a problem', async () => {
    expect(await problemsOf({ id: 'p', kind: 'pjlink', inputs: ['31', '31'] })).toEqual(['devices[0].inputs: must not repeat an input']);
    expect(await problemsOf({ id: 'p', kind: 'pjlink', inputs: [] as never })).toHaveLength(1);
    expect(await problemsOf({ id: 'p', kind: 'pjlink', inputs: ['31', '3A'], errorStatus: '0000' })).toEqual([
      'devices[0].inputs[1]: must be a class 1 input code such as 31',
      'devices[0].errorStatus: must be six digits 0-2',
    ]);
  });
});
