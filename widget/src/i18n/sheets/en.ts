/** The sheets' words (verify, "Continue on…", rating), in English: loaded with the first sheet a visitor opens. */
const en = {
  anotherApp: 'Continue on another app',
  handoffNotice: 'We keep the thread. There, the app’s encryption applies, not Threadline’s.',
  scan: 'Scan this code with your phone, or open the link.',
  linkQr: (name: string) => `Link to continue on ${name}, as a QR code`,
  copy: 'Copy link',
  back: 'Back to the conversation',
  pinned: 'This website pins the business’s key: no other key is accepted.',
  unpinned: 'This browser trusted the first key it saw (the website pins none). Compare this number with the business.',
  safetyNumber: 'Safety number',
  safetyQr: 'Safety number as a QR code',
  stars: (n: number) => `${n} of 5`,
  comment: 'Comment (optional)',
};

export type SheetStrings = typeof en;
export default en;
