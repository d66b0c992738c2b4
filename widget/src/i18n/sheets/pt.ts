import type { SheetStrings } from './en.ts';

/** The sheets' words, in Portuguese. */
const pt: SheetStrings = {
  anotherApp: 'Continuar noutra aplicação',
  handoffNotice: 'Mantemos a conversa. Lá aplica-se a cifra da aplicação, não a do Threadline.',
  scan: 'Leia este código com o telemóvel ou abra a ligação.',
  linkQr: (name: string) => `Ligação para continuar no ${name}, em código QR`,
  copy: 'Copiar a ligação',
  back: 'Voltar à conversa',
  pinned: 'Este site fixa a chave da empresa: nenhuma outra é aceite.',
  unpinned: 'Este navegador confiou na primeira chave que viu (o site não fixa nenhuma). Compare este número com a empresa.',
  safetyNumber: 'Número de segurança',
  safetyQr: 'Número de segurança em código QR',
  stars: (n: number) => `${n} de 5`,
  comment: 'Comentário (opcional)',
};

export default pt;
