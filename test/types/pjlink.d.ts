/**
 * The npm `pjlink` package ships no types and there is no @types/pjlink; this declares only what
 * test/simulator/pjlink-independent-client.test.ts uses, as 0.2.8's lib/command.js parses each
 * answer. Answers come in Node-style callbacks; an answer without its own parsing arrives split
 * at its spaces, one callback argument per word.
 */
declare module 'pjlink' {
  type Callback<Results extends unknown[] = []> = (error: Error | null | undefined, ...results: Results) => void;

  interface Input {
    source: number;
    channel: number;
    /** The two-digit code, e.g. '31'. */
    code: string;
    /** e.g. 'DIGITAL - 1'. */
    name: string;
  }

  interface Lamp {
    hours: number;
    on: boolean;
  }

  interface Mute {
    video: boolean;
    audio: boolean;
  }

  type ErrorLevel = 'warning' | 'error' | false;
  type ErrorStatus = Record<'fan' | 'lamp' | 'temperature' | 'cover' | 'filter' | 'other', ErrorLevel>;

  class PJLink {
    constructor(host: string, port: number, password?: string);
    powerOn(done: Callback): void;
    powerOff(done: Callback): void;
    /** 0 off, 1 on, 2 cooling, 3 warming. */
    getPowerState(done: Callback<[number]>): void;
    setInput(code: string, done: Callback): void;
    getInput(done: Callback<[Input]>): void;
    getInputs(done: Callback<[Input[]]>): void;
    setMute(mute: Mute, done: Callback): void;
    getMute(done: Callback<[Mute]>): void;
    getLamps(done: Callback<[Lamp[]]>): void;
    /** null when all six are 0. */
    getErrors(done: Callback<[ErrorStatus | null]>): void;
    getName(done: Callback<string[]>): void;
    getManufacturer(done: Callback<string[]>): void;
    /** The one answer that is joined again. */
    getModel(done: Callback<[string]>): void;
    getInfo(done: Callback<string[]>): void;
    getClass(done: Callback<[string]>): void;
    disconnect(): void;
  }

  export = PJLink;
}
