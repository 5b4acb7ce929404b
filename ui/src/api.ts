import { commands, events, type AppError, type FleetEvent } from './bindings'
import { toAppError } from './errors'

export { commands, events }

type Answer<T> = { status: 'ok'; data: T } | { status: 'error'; error: AppError }

/**
 * Unwraps a command's answer: the data, or a thrown {@link AppError} (the core's Problem: code,
 * message, and for WeChat's errors the errcode with meaning and remedy). Pages `await call(...)` and
 * catch once, where they show the problem.
 */
export async function call<T>(answer: Promise<Answer<T>>): Promise<T> {
  let settled: Answer<T>
  try {
    settled = await answer
  } catch (e) {
    throw toAppError(e)
  }
  if (settled.status === 'error') throw toAppError(settled.error)
  return settled.data
}

/** Listens to the core's events until the returned function is called. */
export async function listenFleet(handler: (event: FleetEvent) => void): Promise<() => void> {
  return events.fleetChanged.listen((e) => handler(e.payload))
}
