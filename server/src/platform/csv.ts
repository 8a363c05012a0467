/** One CSV cell; a cell a spreadsheet would run as a formula is quoted with a leading apostrophe. */
function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line of cells. */
export const csvLine = (cells: ReadonlyArray<string | number | null>) => cells.map(csvCell).join(',');
