import { afterEach, describe, expect, it } from 'vitest';
import { InvalidFaultError } from '../../simulator/index';
import { Peer, cleanUp, connectOutcome, eventually, pause, startDevice, url } from './helpers';

const CRLF = '\r\n';
const CR = '\r';
const ONE_MB = 1024 * 1024;
const PROTOCOL_REPLY = /^(POWER (ON|OFF)|OK|ERR)\r\n$/;

afterEach(cleanUp);

function powerUrl(port: number): string {
  return url(port, '/api/v1/power');
}

describe('hang', () => {
  it('when a line device hangs, then it accepts, sends nothing (not even its banner), keeps the socket open and executes nothing', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', banner: 'AMP ready', fault: { mode: 'hang' } });
    const peer = await Peer.connect(device.port);
    peer.send(`POWER ON${CRLF}`);
    await pause(200);
    expect(peer.received.length).toBe(0);
    expect(peer.closed).toBe(false);
    expect(device.openConnections).toBe(1);
    expect(device.power).toBe('off');
    expect(device.commands).toEqual([]);
  });

  it('when a pjlink device hangs, then there is no greeting and its idle close does not end the hang', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', idleCloseMs: 50, fault: { mode: 'hang' } });
    const peer = await Peer.connect(device.port);
    await pause(250);
    expect(peer.received.length).toBe(0);
    expect(peer.closed).toBe(false);
  });

  it('when an HTTP device hangs, then the request gets no response and the connection stays open', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http', fault: { mode: 'hang' } });
    const request = fetch(powerUrl(device.port), { signal: AbortSignal.timeout(200) });
    await expect(request).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(device.openConnections).toBeGreaterThanOrEqual(1);
  });

  it('when the hang is cleared, then new connections are served again', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', banner: 'AMP ready', fault: { mode: 'hang' } });
    device.setFault(undefined);
    const peer = await Peer.connect(device.port);
    expect(await peer.nextLine(CRLF)).toBe('AMP ready');
  });
});

describe('refuse', () => {
  it('when a device refuses, then connecting fails with ECONNREFUSED; cleared, it accepts again on the same port', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', fault: { mode: 'refuse' } });
    const port = device.port;
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
    device.setFault(undefined);
    await eventually(async () => expect(await connectOutcome(port)).toBe('connected'));
    expect(device.port).toBe(port);
  });

  it('when refuse is set while a client is connected, then new connections are refused and the established one still works', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp' });
    const peer = await Peer.connect(device.port);
    device.setFault({ mode: 'refuse' });
    expect(await connectOutcome(device.port)).toBe('ECONNREFUSED');
    expect(await peer.ask('POWER?', CRLF)).toBe('POWER OFF');
  });

  it('when an HTTP device refuses, then fetch fails to connect', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http', fault: { mode: 'refuse' } });
    await expect(fetch(powerUrl(device.port))).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
  });
});

describe('reset-mid-reply', () => {
  it('when a line device resets mid-reply, then the client gets part of the reply and then ECONNRESET', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', fault: { mode: 'reset-mid-reply' } });
    const peer = await Peer.connect(device.port);
    peer.send(`POWER?${CRLF}`);
    await peer.waitForClose();
    expect(peer.errorCode).toBe('ECONNRESET');
    const partial = peer.received.toString('latin1');
    expect(partial.length).toBeGreaterThan(0);
    expect(`POWER OFF${CRLF}`.startsWith(partial)).toBe(true);
    expect(partial).not.toBe(`POWER OFF${CRLF}`);
  });

  it('when a command is cut off by the reset, then the device has still executed it', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', fault: { mode: 'reset-mid-reply' } });
    const peer = await Peer.connect(device.port);
    peer.send(`POWER ON${CRLF}`);
    await peer.waitForClose();
    expect(device.power).toBe('on');
    expect(device.commands.map((c) => c.command)).toEqual(['POWER ON']);
  });

  it('when a pjlink device resets mid-reply, then even the greeting is cut', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', fault: { mode: 'reset-mid-reply' } });
    const peer = await Peer.connect(device.port);
    await peer.waitForClose();
    expect(peer.errorCode).toBe('ECONNRESET');
    expect('PJLINK 0\r'.startsWith(peer.received.toString('latin1'))).toBe(true);
    expect(peer.received.length).toBeGreaterThan(0);
  });

  it('when an HTTP device resets mid-reply, then the status arrives but reading the body fails', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http', fault: { mode: 'reset-mid-reply' } });
    const response = await fetch(powerUrl(device.port));
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });
});

describe('garbage', () => {
  it('when a line device replies garbage, then the reply is a terminated line of no protocol and nothing is executed', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', fault: { mode: 'garbage' } });
    const peer = await Peer.connect(device.port);
    for (let attempt = 0; attempt < 5; attempt++) {
      peer.send(`POWER ON${CRLF}`);
      await peer.until(() => peer.received.includes(CRLF), 1000, 'a reply');
      const reply = peer.received.toString('latin1');
      expect(reply).not.toMatch(PROTOCOL_REPLY);
      expect(reply.indexOf(CRLF)).toBe(reply.length - 2);
      await peer.nextLine(CRLF);
    }
    expect(device.power).toBe('off');
    expect(device.commands).toEqual([]);
  });

  it('when a pjlink device replies garbage, then the greeting is not PJLINK', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', fault: { mode: 'garbage' } });
    const peer = await Peer.connect(device.port);
    expect(await peer.nextLine(CR)).not.toMatch(/^PJLINK/);
  });

  it('when an HTTP device replies garbage, then the client cannot parse an HTTP response', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http', fault: { mode: 'garbage' } });
    await expect(fetch(powerUrl(device.port))).rejects.toThrow();
  });
});

describe('slow', () => {
  it('when a line device is slow, then every reply arrives only after delayMs', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', banner: 'AMP ready', fault: { mode: 'slow', delayMs: 200 } });
    const peer = await Peer.connect(device.port);
    await pause(100);
    expect(peer.received.length).toBe(0);
    expect(await peer.nextLine(CRLF)).toBe('AMP ready');
    peer.send(`POWER?${CRLF}`);
    await pause(100);
    expect(peer.received.length).toBe(0);
    expect(await peer.nextLine(CRLF)).toBe('POWER OFF');
  });

  it('when an HTTP device is slow, then the response comes after delayMs', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http', fault: { mode: 'slow', delayMs: 300 } });
    await expect(fetch(powerUrl(device.port), { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({ name: 'TimeoutError' });
    const response = await fetch(powerUrl(device.port), { signal: AbortSignal.timeout(2000) });
    expect(await response.json()).toEqual({ power: 'off' });
  });
});

describe('endless', () => {
  it('when a line device streams endlessly, then it sends more than 1 MB without a terminator, and stops when the client leaves', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', fault: { mode: 'endless' } });
    const peer = await Peer.connect(device.port);
    peer.send(`POWER?${CRLF}`);
    await peer.until(() => peer.received.length > ONE_MB, 5000, 'over 1 MB');
    expect(peer.received.includes(CRLF)).toBe(false);
    await peer.destroy();
    await eventually(() => expect(device.openConnections).toBe(0));
  });

  it('when an HTTP device streams endlessly, then the body goes past 1 MB and stops when the client leaves', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http', fault: { mode: 'endless' } });
    const peer = await Peer.connect(device.port);
    peer.send(`GET /api/v1/power HTTP/1.1${CRLF}Host: device${CRLF}${CRLF}`);
    expect(await peer.nextLine(CRLF)).toBe('HTTP/1.1 200 OK');
    await peer.until(() => peer.received.length > ONE_MB, 5000, 'over 1 MB');
    await peer.destroy();
    await eventually(() => expect(device.openConnections).toBe(0));
  });
});

describe('flapping', () => {
  it('when a device flaps, then connections succeed, are refused, and succeed again', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', fault: { mode: 'flapping', periodMs: 150 } });
    const outcomes: string[] = [];
    const until = Date.now() + 1000;
    while (Date.now() < until) {
      const outcome = await connectOutcome(device.port);
      // An attempt racing the switch to refusing is reset from the kernel's accept queue instead.
      if (outcome !== 'ECONNRESET') outcomes.push(outcome);
      await pause(15);
    }
    const phases = outcomes.filter((outcome, index) => outcome !== outcomes[index - 1]);
    expect(phases.slice(0, 3)).toEqual(['connected', 'ECONNREFUSED', 'connected']);
    expect(new Set(outcomes)).toEqual(new Set(['connected', 'ECONNREFUSED']));
  });

  it('when flapping is cleared, then the device stays reachable', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', fault: { mode: 'flapping', periodMs: 50 } });
    await pause(70);
    device.setFault(undefined);
    for (let check = 0; check < 5; check++) {
      expect(await connectOutcome(device.port)).toBe('connected');
      await pause(30);
    }
  });
});

describe('setFault', () => {
  it('when the fault is malformed or unsupported by the device, then setFault throws InvalidFaultError', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp' });
    expect(() => device.setFault({ mode: 'slow', delayMs: -1 })).toThrow(InvalidFaultError);
    expect(() => device.setFault({ mode: 'auth-lockout', afterFailures: 1 })).toThrow(InvalidFaultError);
  });
});
