import { onBeforeUnmount } from 'vue'
import type { FleetEvent } from '../bindings'
import { onFleetEvent } from '../stores/desk'

/** Calls `handler` for every core event while the component is mounted. */
export function useFleetEvent(handler: (event: FleetEvent) => void) {
  const stop = onFleetEvent(handler)
  onBeforeUnmount(stop)
}
