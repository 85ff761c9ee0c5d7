/** What `AVMT ?` answers: 30 nothing muted, 11 video, 21 audio, 31 both. */
export type AvMuteState = '30' | '11' | '21' | '31';

interface Muted {
  video: boolean;
  audio: boolean;
}

/**
 * The class 1 AVMT set codes: the first digit picks video (1), audio (2) or both (3), the second
 * switches the mute off (0) or on (1). Setting one leaves the other as it was.
 */
const SET_CODES: Record<string, (muted: Muted) => Muted> = {
  '10': (muted) => ({ ...muted, video: false }),
  '11': (muted) => ({ ...muted, video: true }),
  '20': (muted) => ({ ...muted, audio: false }),
  '21': (muted) => ({ ...muted, audio: true }),
  '30': () => ({ video: false, audio: false }),
  '31': () => ({ video: true, audio: true }),
};

/** The state after `AVMT <code>`, or undefined when the code is not a set code. */
export function avMuteAfter(state: AvMuteState, code: string): AvMuteState | undefined {
  const change = Object.hasOwn(SET_CODES, code) ? SET_CODES[code] : undefined;
  if (!change) return undefined;
  const { video, audio } = change({ video: state === '11' || state === '31', audio: state === '21' || state === '31' });
  if (video && audio) return '31';
  if (video) return '11';
  return audio ? '21' : '30';
}
