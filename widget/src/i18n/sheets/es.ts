import type { SheetStrings } from './en.ts';

/** The sheets' words, in Spanish. */
const es: SheetStrings = {
  anotherApp: 'Continuar en otra aplicación',
  handoffNotice: 'Mantenemos la conversación. Allí se aplica el cifrado de la aplicación, no el de Threadline.',
  scan: 'Escanea este código con el móvil o abre el enlace.',
  linkQr: (name: string) => `Enlace para continuar en ${name}, como código QR`,
  copy: 'Copiar el enlace',
  back: 'Volver a la conversación',
  pinned: 'Este sitio fija la clave de la empresa: no se acepta ninguna otra.',
  unpinned: 'Este navegador confió en la primera clave que vio (el sitio no fija ninguna). Compara este número con la empresa.',
  safetyNumber: 'Número de seguridad',
  safetyQr: 'Número de seguridad como código QR',
  stars: (n: number) => `${n} de 5`,
  comment: 'Comentario (opcional)',
};

export default es;
