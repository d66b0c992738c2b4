/**
 * The reply chime: two short tones drawn with Web Audio (no sound file to download or allow in the
 * frame's CSP). A chunk loaded when the visitor turns sound on, or when a reply should ring.
 * Browsers let a frame play sound once the visitor has used it (typed, clicked), so the context
 * made at that moment is kept for later replies.
 */
let context: AudioContext | undefined;

export function chime(): void {
  context ??= new AudioContext();
  void context.resume().catch(() => {});
  const start = context.currentTime;
  for (const [i, frequency] of [880, 1320].entries()) {
    const at = start + i * 0.12;
    const tone = context.createOscillator();
    const gain = context.createGain();
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
    tone.connect(gain).connect(context.destination);
    tone.start(at);
    tone.stop(at + 0.32);
  }
}
