/**
 * H5: hands the CSV to the browser as a file download. The codes exist only in this page's
 * memory afterwards (the service never shows them again), so the file is what the sponsor keeps.
 * Returns false where there is no document to download into (weapp), where copying is the way.
 */
export function saveCsvFile(filename: string, csv: string): boolean {
  if (process.env.TARO_ENV === 'weapp' || typeof document === 'undefined' || typeof URL.createObjectURL !== 'function') return false;
  // A byte-order mark, so a spreadsheet opens the Chinese title as UTF-8.
  const url = URL.createObjectURL(new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
  return true;
}
