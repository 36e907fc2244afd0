/** "192.168.1.10:7070" → "http://192.168.1.10:7070"; null when it is not a URL. */
export function normaliseHubUrl(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  try {
    const url = new URL(/^https?:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`);
    return url.origin;
  } catch {
    return null;
  }
}
