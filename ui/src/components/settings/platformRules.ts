/** Client-side checks of a platform form (the core checks again, with the crypto). */

/** An EncodingAESKey is 43 characters of base64 without padding, and WeChat generates only letters and digits. */
export function aesKeyProblem(key: string): number | null {
  const k = key.trim()
  return k.length === 43 && /^[A-Za-z0-9]+$/.test(k) ? null : k.length
}

export function isHttpUrl(text: string): boolean {
  return /^https?:\/\/[^\s/]+/.test(text.trim())
}
