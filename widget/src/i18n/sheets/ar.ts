import type { SheetStrings } from './en.ts';

/** The sheets' words, in Arabic. */
const ar: SheetStrings = {
  anotherApp: 'تابع على تطبيق آخر',
  handoffNotice: 'نحتفظ بالمحادثة. هناك يُطبَّق تشفير التطبيق، لا تشفير Threadline.',
  scan: 'امسح هذا الرمز بهاتفك، أو افتح الرابط.',
  linkQr: (name: string) => `رابط المتابعة على ${name} كرمز QR`,
  copy: 'انسخ الرابط',
  back: 'العودة إلى المحادثة',
  pinned: 'يثبّت هذا الموقع مفتاح الشركة: لا يُقبل أي مفتاح آخر.',
  unpinned: 'وثق هذا المتصفح بأول مفتاح رآه (لا يثبّت الموقع أي مفتاح). قارن هذا الرقم مع الشركة.',
  safetyNumber: 'رقم الأمان',
  safetyQr: 'رقم الأمان كرمز QR',
  stars: (n: number) => `${n} من 5`,
  comment: 'تعليق (اختياري)',
};

export default ar;
