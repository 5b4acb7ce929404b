import type { Ref } from 'vue'
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import en from './locales/en'

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]

const STORAGE_KEY = 'wxfleet.locale'

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/** The locale chosen last time on this machine, else Chinese. */
export function savedLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY)
  return isLocale(saved) ? saved : 'zh-CN'
}

/**
 * Each area of the UI keeps its strings in `locales/areas/<area>.ts` (`export default { 'zh-CN': {…},
 * en: {…} }`, one top-level key per area), merged here, so areas never edit one shared file.
 */
const areas = import.meta.glob<{ default: Record<Locale, Record<string, unknown>> }>('./locales/areas/*.ts', { eager: true })

export function messages(): Record<Locale, Record<string, unknown>> {
  const all: Record<Locale, Record<string, unknown>> = { 'zh-CN': { ...zhCN }, en: { ...en } }
  for (const area of Object.values(areas)) {
    for (const locale of LOCALES) Object.assign(all[locale], area.default[locale])
  }
  return all
}

export function makeI18n(locale: Locale = savedLocale()) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: messages() as never,
  })
}

export type I18n = ReturnType<typeof makeI18n>

/** Switches the UI language (`current` is `useI18n().locale` or `i18n.global.locale`) and remembers it. */
export function setLocale(current: Ref<string>, locale: Locale) {
  current.value = locale
  globalThis.localStorage?.setItem(STORAGE_KEY, locale)
  document.documentElement.lang = locale
}
