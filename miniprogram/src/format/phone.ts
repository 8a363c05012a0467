const FULL_PHONE = /^(1[3-9]\d)\d{4}(\d{4})$/;

/** "13800000001" → "138****0001": others' numbers are never shown whole. Anything else is kept. */
export function maskPhone(text: string): string {
  return text.replace(FULL_PHONE, '$1****$2');
}
