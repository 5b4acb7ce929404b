/**
 * What the schema form needs to know about a JSON Schema (a template's ext schema): the kind of
 * input each property gets, the defaults a fresh configuration starts from, and the JSON pointers
 * of the fields (issues from the core name fields by pointer).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type JsonObject = { [key: string]: Json }
export type Schema = { [key: string]: unknown }

/** The input a property is edited with. */
export type FieldKind = 'object' | 'enum' | 'color' | 'string' | 'number' | 'integer' | 'boolean' | 'enum-list' | 'string-list' | 'json'


export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Follows local `$ref`s (`#/$defs/…`, `#/definitions/…`) within `root`, as the core does. */
export function resolve(root: Schema, schema: Schema): Schema {
  let current = schema
  for (let i = 0; i < 16; i++) {
    const ref = current.$ref
    if (typeof ref !== 'string' || !ref.startsWith('#')) break
    const target = pointerGet(root, ref.slice(1))
    if (!isObject(target)) break
    current = target as Schema
  }
  return current
}

/**
 * The properties of an object schema in the order to show them: as listed in its `x-order` (the
 * core stores schemas with keys sorted, so the author's order is only kept where it is written
 * down), then the rest in the order they come.
 */
export function orderedProperties(schema: Schema): [string, Schema][] {
  const properties = schema.properties
  if (!isObject(properties)) return []
  const entries = Object.entries(properties as Record<string, unknown>).filter((e): e is [string, Schema] => isObject(e[1]))
  const order = Array.isArray(schema['x-order']) ? (schema['x-order'] as unknown[]).filter((k): k is string => typeof k === 'string') : []
  const rank = (key: string) => {
    const i = order.indexOf(key)
    return i === -1 ? order.length : i
  }
  return entries.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e[0]) - rank(b.e[0]) || a.i - b.i).map(({ e }) => e)
}

/** RFC 6901 escape of one key. */
export function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1')
}

function pointerGet(value: unknown, pointer: string): unknown {
  if (pointer === '') return value
  let current = value
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (!isObject(current) && !Array.isArray(current)) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

function typeOf(schema: Schema): string | undefined {
  const t = schema.type
  if (typeof t === 'string') return t
  if (Array.isArray(t)) return t.find((x) => x !== 'null') as string | undefined
  if (isObject(schema.properties)) return 'object'
  if (Array.isArray(schema.enum)) return 'string'
  return undefined
}

/** Whether a string property holds a `#RRGGBB` colour (by `format: "color"` or such a pattern). */
export function isColor(schema: Schema): boolean {
  if (schema.format === 'color') return true
  const pattern = schema.pattern
  if (typeof pattern !== 'string' || !pattern.includes('#')) return false
  try {
    const re = new RegExp(pattern)
    return re.test('#a0B1c2') && !re.test('red')
  } catch {
    return false
  }
}

/** The input `schema` is edited with. */
export function kindOf(schema: Schema): FieldKind {
  const t = typeOf(schema)
  if (Array.isArray(schema.enum) && t !== 'array' && t !== 'object') return 'enum'
  if (t === 'object') return isObject(schema.properties) ? 'object' : 'json'
  if (t === 'string') return isColor(schema) ? 'color' : 'string'
  if (t === 'number') return 'number'
  if (t === 'integer') return 'integer'
  if (t === 'boolean') return 'boolean'
  if (t === 'array' && isObject(schema.items)) {
    const items = schema.items as Schema
    if (Array.isArray(items.enum)) return 'enum-list'
    if (typeOf(items) === 'string') return 'string-list'
  }
  return 'json'
}

/** The field's `id`: `ext-field-` and the pointer with `/` as `-` (`/theme/primary` → `ext-field-theme-primary`). */
export function fieldId(pointer: string): string {
  return `ext-field-${pointer.replace(/^\//, '').replace(/\//g, '-')}`
}

/**
 * A fresh value for `schema`: each property's `default`, recursing into nested objects (an object
 * whose properties have defaults is created). Properties without a default stay unset, so a required
 * one is reported rather than silently empty. The same walk the core does when composing `ext_json`.
 */
export function defaultsFor(schema: Schema, root: Schema = schema): JsonObject {
  const resolved = resolve(root, schema)
  const out: JsonObject = {}
  const properties = resolved.properties
  if (!isObject(properties)) return out
  for (const [key, raw] of Object.entries(properties)) {
    if (!isObject(raw)) continue
    const property = resolve(root, raw as Schema)
    if ('default' in property) {
      const value = structuredClone(property.default) as Json
      out[key] = isObject(value) ? { ...defaultsFor(property, root), ...value } : value
    } else if (isObject(property.properties)) {
      const nested = defaultsFor(property, root)
      if (Object.keys(nested).length > 0) out[key] = nested
    }
  }
  return out
}

/** Every field pointer the form shows for `schema` (objects included), prefixed with `prefix`. */
export function fieldPointers(schema: Schema, prefix = '', root: Schema = schema): string[] {
  const resolved = resolve(root, schema)
  const out: string[] = []
  for (const [key, raw] of orderedProperties(resolved)) {
    const pointer = `${prefix}/${escapeKey(key)}`
    out.push(pointer)
    const property = resolve(root, raw as Schema)
    if (kindOf(property) === 'object') out.push(...fieldPointers(property, pointer, root))
  }
  return out
}

/** `value` with `key` set (or removed when `next` is undefined), as a new object. */
export function withKey(value: JsonObject | undefined, key: string, next: Json | undefined): JsonObject {
  const copy: JsonObject = { ...(value ?? {}) }
  if (next === undefined) delete copy[key]
  else copy[key] = next
  return copy
}

/** A JSON value as one line of text, for diffs and read-only views. */
export function jsonText(value: unknown): string {
  if (value === undefined || value === null) return '—'
  return JSON.stringify(value)
}
