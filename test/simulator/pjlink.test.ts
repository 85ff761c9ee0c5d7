import { afterEach, describe, expect, it } from 'vitest';
import { Peer, cleanUp, eventually, greeted, pause, pjlinkDigest, startDevice } from './helpers';

const CR = '\r';

afterEach(cleanUp);

describe('pjlink greeting and authentication', () => {
  it('when no password is set, then the greeting is PJLINK 0 and commands need no digest', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink' });
    const { peer, greeting } = await greeted(device.port);
    expect(greeting).toBe('PJLINK 0');
    expect(await peer.ask('%1POWR ?', CR)).toBe('%1POWR=0');
  });

  it('when a password is set and the first command carries the right digest, then it is answered and later commands need none', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', password: 'secret' });
    const { peer, greeting } = await greeted(device.port);
    const match = /^PJLINK 1 ([0-9a-f]{8})$/.exec(greeting);
    expect(match).not.toBeNull();
    expect(await peer.ask(`${pjlinkDigest(match![1]!, 'secret')}%1POWR ?`, CR)).toBe('%1POWR=0');
    expect(await peer.ask('%1NAME ?', CR)).toBe('%1NAME=p');
  });

  it('when each connection is greeted, then each gets a fresh random', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', password: 'secret', oneClient: false });
    const greetings = await Promise.all([greeted(device.port), greeted(device.port), greeted(device.port)]);
    expect(new Set(greetings.map((g) => g.greeting)).size).toBe(3);
  });

  it('when the digest is wrong, then the device answers PJLINK ERRA, closes, and does not execute the command', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', password: 'secret' });
    const { peer, greeting } = await greeted(device.port);
    const random = greeting.split(' ')[2]!;
    expect(await peer.ask(`${pjlinkDigest(random, 'wrong')}%1POWR 1`, CR)).toBe('PJLINK ERRA');
    await peer.waitForClose();
    expect(device.power).toBe('off');
    expect(device.commands.map((c) => c.command)).toEqual(['ERRA POWR 1']);
  });

  it('when the first command has no digest at all, then the device answers PJLINK ERRA', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', password: 'secret' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1POWR ?', CR)).toBe('PJLINK ERRA');
    await peer.waitForClose();
  });

  it('when auth-lockout is on and wrong digests reach the limit, then even the right digest gets ERRA until the lock expires', async () => {
    const { device } = await startDevice({
      id: 'p',
      kind: 'pjlink',
      password: 'secret',
      oneClient: false,
      fault: { mode: 'auth-lockout', afterFailures: 2, lockMs: 300 },
    });
    const attempt = async (password: string) => {
      const { peer, greeting } = await greeted(device.port);
      const reply = await peer.ask(`${pjlinkDigest(greeting.split(' ')[2]!, password)}%1POWR ?`, CR);
      await peer.destroy();
      return reply;
    };
    expect(await attempt('secret')).toBe('%1POWR=0');
    expect(await attempt('wrong')).toBe('PJLINK ERRA');
    expect(await attempt('wrong')).toBe('PJLINK ERRA');
    expect(await attempt('secret')).toBe('PJLINK ERRA');
    await eventually(async () => expect(await attempt('secret')).toBe('%1POWR=0'), 2000);
  });
});

describe('pjlink power', () => {
  it('when POWR 1 is sent, then the projector warms up (3), rejects power commands with ERR3, and is on (1) after warmupMs', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', warmupMs: 150 });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1POWR 1', CR)).toBe('%1POWR=OK');
    expect(await peer.ask('%1POWR ?', CR)).toBe('%1POWR=3');
    expect(device.power).toBe('warming');
    expect(await peer.ask('%1POWR 1', CR)).toBe('%1POWR=ERR3');
    expect(await peer.ask('%1POWR 0', CR)).toBe('%1POWR=ERR3');
    await eventually(async () => expect(await peer.ask('%1POWR ?', CR)).toBe('%1POWR=1'));
    expect(device.power).toBe('on');
    expect(device.commands.map((c) => c.command)).toEqual(['POWR 1', 'ERR3 POWR 1', 'ERR3 POWR 0']);
  });

  it('when POWR 0 is sent to a projector that is on, then it cools down (2) and is in standby (0) after cooldownMs', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', initialPower: 'on', cooldownMs: 150 });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1POWR 0', CR)).toBe('%1POWR=OK');
    expect(await peer.ask('%1POWR ?', CR)).toBe('%1POWR=2');
    expect(await peer.ask('%1POWR 1', CR)).toBe('%1POWR=ERR3');
    await eventually(async () => expect(await peer.ask('%1POWR ?', CR)).toBe('%1POWR=0'));
  });

  it('when the projector is already in the requested state, then the command is acknowledged without a transition', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', warmupMs: 10_000 });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1POWR 0', CR)).toBe('%1POWR=OK');
    expect(device.power).toBe('off');
  });

  it('when minOnMs has not elapsed since power-on, then POWR 0 is answered ERR3, and accepted afterwards', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', initialPower: 'on', minOnMs: 200, cooldownMs: 0 });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1POWR 0', CR)).toBe('%1POWR=ERR3');
    await eventually(async () => expect(await peer.ask('%1POWR 0', CR)).toBe('%1POWR=OK'));
    expect(device.power).toBe('off');
  });

  it('when setPower is used for test setup, then the state changes at once with no transition and nothing is logged', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', warmupMs: 10_000 });
    device.setPower('on');
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1POWR ?', CR)).toBe('%1POWR=1');
    expect(device.commands).toEqual([]);
  });
});

describe('pjlink commands', () => {
  it('when the class 1 queries are sent, then each is answered in its format', async () => {
    const { device } = await startDevice({ id: 'hall-proj', kind: 'pjlink', initialPower: 'on' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1NAME ?', CR)).toBe('%1NAME=hall-proj');
    expect(await peer.ask('%1INF1 ?', CR)).toMatch(/^%1INF1=.+$/);
    expect(await peer.ask('%1ERST ?', CR)).toMatch(/^%1ERST=[0-2]{6}$/);
    expect(await peer.ask('%1LAMP ?', CR)).toMatch(/^%1LAMP=\d+ 1$/);
    expect(await peer.ask('%1INPT ?', CR)).toMatch(/^%1INPT=[1-5][1-9]$/);
  });

  it('when an undefined command is sent, then it is answered ERR1', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1XYZW ?', CR)).toBe('%1XYZW=ERR1');
    expect(await peer.ask('%2SNUM ?', CR)).toBe('%2SNUM=ERR1');
  });

  it('when a parameter is out of range, then it is answered ERR2 and logged as rejected', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1POWR 7', CR)).toBe('%1POWR=ERR2');
    expect(await peer.ask('%1NAME x', CR)).toBe('%1NAME=ERR2');
    expect(device.commands.map((c) => c.command)).toEqual(['ERR2 POWR 7']);
  });

  it('when a command is exactly 136 bytes with its CR, then it is answered; one byte more and the connection is dropped', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', oneClient: false });
    const longest = `%1NAME ${'x'.repeat(128)}`;
    expect(longest.length + 1).toBe(136);
    const first = await greeted(device.port);
    expect(await first.peer.ask(longest, CR)).toBe('%1NAME=ERR2');
    const second = await greeted(device.port);
    second.peer.send(`%1NAME ${'x'.repeat(129)}${CR}`);
    await second.peer.waitForClose();
  });

  it('when a line is not PJLink (here: LF-terminated leftovers), then the device drops the connection', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1POWR ?', CR)).toBe('%1POWR=0');
    peer.send('\n%1POWR ?\r');
    await peer.waitForClose();
    expect(peer.received.length).toBe(0);
  });
});

describe('pjlink connections', () => {
  it('when a client is connected and oneClient is on, then a second connection is accepted and closed at once without a greeting', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink' });
    const { peer: first } = await greeted(device.port);
    const second = await Peer.connect(device.port);
    await second.waitForClose();
    expect(second.received.length).toBe(0);
    expect(await first.ask('%1POWR ?', CR)).toBe('%1POWR=0');
  });

  it('when the first client closes and reconnects at once, then the new connection is served', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink' });
    for (let round = 0; round < 5; round++) {
      const { peer, greeting } = await greeted(device.port);
      expect(greeting).toBe('PJLINK 0');
      peer.socket.destroy();
    }
  });

  it('when oneClient is off, then concurrent clients are all served', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', oneClient: false });
    const [a, b] = await Promise.all([greeted(device.port), greeted(device.port)]);
    expect(await a.peer.ask('%1POWR ?', CR)).toBe('%1POWR=0');
    expect(await b.peer.ask('%1POWR ?', CR)).toBe('%1POWR=0');
  });

  it('when a client stays idle for idleCloseMs, then the device closes the connection', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', idleCloseMs: 100 });
    const { peer } = await greeted(device.port);
    await peer.waitForClose(2000);
    await eventually(() => expect(device.openConnections).toBe(0));
  });

  it('when closeAfterReply is on, then the device closes the connection after each reply', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', closeAfterReply: true });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1POWR ?', CR)).toBe('%1POWR=0');
    await peer.waitForClose();
  });

  it('when closeAfterReply is off, then the connection stays open between commands', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink' });
    const { peer } = await greeted(device.port);
    expect(await peer.ask('%1POWR ?', CR)).toBe('%1POWR=0');
    await pause(100);
    expect(peer.closed).toBe(false);
  });
});
