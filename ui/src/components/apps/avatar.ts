import type { AvatarImage } from '../../bindings'

/** The image types WeChat takes for an avatar. */
export const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/bmp']

const BY_EXTENSION: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', bmp: 'image/bmp' }

/** A file's bytes as a list of numbers (what the core's `Vec<u8>` takes over IPC). */
export async function fileBytes(file: Blob): Promise<number[]> {
  return Array.from(new Uint8Array(await file.arrayBuffer()))
}

/**
 * The file chosen in the avatar input as the core's {@link AvatarImage}: its name, its type (from the
 * browser, else the extension) and its bytes. Throws for types WeChat refuses.
 */
export async function avatarImage(file: File): Promise<AvatarImage> {
  const extension = file.name.split('.').pop()?.toLowerCase() ?? ''
  const contentType = AVATAR_TYPES.includes(file.type) ? file.type : BY_EXTENSION[extension]
  if (!contentType) throw new Error(file.type || extension || file.name)
  return { file_name: file.name, content_type: contentType, bytes: await fileBytes(file) }
}
