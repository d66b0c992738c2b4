/**
 * A short two-note chime made with the Web Audio API: no sound file to fetch (the console's CSP
 * allows its own origin only) and nothing to decode.
 */
let context: AudioContext | undefined;

export function playChime(): void {
  if (!('AudioContext' in globalThis)) return;
  context ??= new AudioContext();
  // Browsers start audio suspended until the page has been used; the agent has clicked by now.
  void context.resume().catch(() => undefined);
  const start = context.currentTime;
  for (const [offset, frequency] of [[0, 880], [0.12, 1320]] as const) {
    const tone = context.createOscillator();
    const volume = context.createGain();
    tone.frequency.value = frequency;
    volume.gain.setValueAtTime(0.0001, start + offset);
    volume.gain.exponentialRampToValueAtTime(0.15, start + offset + 0.01);
    volume.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.25);
    tone.connect(volume).connect(context.destination);
    tone.start(start + offset);
    tone.stop(start + offset + 0.3);
  }
}
