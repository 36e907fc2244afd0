/** The plain words of anything thrown: an Error's message, a thrown string as is, else String(). */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return String(error);
}
