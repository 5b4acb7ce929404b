import { reactive } from 'vue'
import { call, commands, listenFleet } from '../api'
import type { DeskStatus, FleetEvent, Platform } from '../bindings'
import { toAppError } from '../errors'

/**
 * The app-wide state every page reads: whether the app has started (sandbox up), the platforms, and
 * the platform the operator works on (the first one unless chosen; remembered on this machine).
 */
export const desk = reactive({
  status: { state: 'starting' } as DeskStatus,
  platforms: [] as Platform[],
  platform: '' as string,
  error: null as string | null,
})

const PLATFORM_KEY = 'wxfleet.platform'
type Handler = (event: FleetEvent) => void
const handlers = new Set<Handler>()
let unlisten: (() => void) | null = null

/** Waits for the app to start, loads the platforms, and starts forwarding the core's events. */
export async function bootDesk() {
  desk.status = { state: 'starting' }
  desk.error = null
  try {
    desk.status = await call(commands.deskStatus())
    await reloadPlatforms()
    if (!unlisten) unlisten = await listenFleet((e) => handlers.forEach((h) => h(e)))
  } catch (e) {
    desk.error = toAppError(e).message
  }
}

export async function reloadPlatforms() {
  desk.platforms = await call(commands.platforms())
  const saved = globalThis.localStorage?.getItem(PLATFORM_KEY)
  const keep = desk.platforms.find((p) => p.component_appid === (desk.platform || saved))
  desk.platform = keep?.component_appid ?? desk.platforms[0]?.component_appid ?? ''
}

export function choosePlatform(componentAppid: string) {
  desk.platform = componentAppid
  globalThis.localStorage?.setItem(PLATFORM_KEY, componentAppid)
}

/** Calls `handler` for every core event until the returned function is called. */
export function onFleetEvent(handler: Handler): () => void {
  handlers.add(handler)
  return () => handlers.delete(handler)
}

/** For tests: delivers an event as if the core had sent it. */
export function deliverFleetEvent(event: FleetEvent) {
  handlers.forEach((h) => h(event))
}
