import type { SheetStrings } from './en.ts';

/** The sheets' words, in French. */
const fr: SheetStrings = {
  anotherApp: 'Continuer sur une autre application',
  handoffNotice: 'Nous gardons le fil. Là-bas, le chiffrement est celui de l’application, pas de Threadline.',
  scan: 'Scannez ce code ou ouvrez le lien.',
  linkQr: (name: string) => `Lien pour continuer sur ${name}, en code QR`,
  copy: 'Copier le lien',
  back: 'Retour à la conversation',
  pinned: 'Ce site épingle la clé : aucune autre n’est acceptée.',
  unpinned: 'Ce navigateur s’est fié à la première clé vue (le site n’en épingle pas). Comparez ce numéro avec l’entreprise.',
  safetyNumber: 'Numéro de sécurité',
  safetyQr: 'Numéro de sécurité en code QR',
  stars: (n: number) => `${n} sur 5`,
  comment: 'Commentaire (facultatif)',
};

export default fr;
