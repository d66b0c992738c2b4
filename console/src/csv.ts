/**
 * CSV as spreadsheets read it (RFC 4180: quoted when needed, CRLF between rows). A cell that a
 * spreadsheet would run as a formula (a customer's comment starting with `=`, `+`, `-` or `@`) is
 * kept as text by a leading apostrophe.
 */
export type Cell = string | number | null;

const cell = (value: Cell): string => {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const toCsv = (rows: readonly (readonly Cell[])[]): string => rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
