import { mockIPC } from '@tauri-apps/api/mocks'
import type { DeskStatus, Platform } from '../src/bindings'

/** The sandbox platform as the core lists it. */
export const DEMO_PLATFORM: Platform = {
  component_appid: 'wxdemo0000000001',
  name: '演示服务商 (sandbox)',
  api_base_url: 'http://127.0.0.1:1/',
  relay_url: 'http://127.0.0.1:2',
  relay_platform: 'demo',
  proxy_url: null,
  consent_origin: null,
  sandbox: true,
  created_at: 1_763_000_000_000,
  updated_at: 1_763_000_000_000,
} as unknown as Platform

export const READY: DeskStatus = { state: 'ready', sandbox: true, simulator_url: 'http://127.0.0.1:1', workspace: '/tmp/w', key_source: 'key file' }

export type Handler = (args: Record<string, unknown>) => unknown

/**
 * Mocks the core: `handlers` by command name (snake_case, as invoked), answers for start-up and
 * events by default. A command without a handler rejects, so a test sees every unexpected call.
 * Returns the calls made, in order.
 */
export function mockCore(handlers: Record<string, Handler> = {}) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = []
  const defaults: Record<string, Handler> = {
    desk_status: () => READY,
    platforms: () => [DEMO_PLATFORM],
    mark_interactive: () => null,
    'plugin:event|listen': () => 1,
    'plugin:event|unlisten': () => null,
  }
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> })
    const handler = handlers[cmd] ?? defaults[cmd]
    if (!handler) return Promise.reject({ code: 'internal', message: `unmocked command ${cmd}`, class: 'final' })
    try {
      return Promise.resolve(handler((args ?? {}) as Record<string, unknown>))
    } catch (e) {
      return Promise.reject(e)
    }
  })
  return calls
}
