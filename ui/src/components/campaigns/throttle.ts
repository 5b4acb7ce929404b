/**
 * Calls `run` at most once per `ms`: the first call runs at once, calls during the wait collapse into
 * one trailing run. Events can arrive in bursts (a campaign item per second, pushes by the dozen) and a
 * page needs only the latest state.
 */
export function throttle(run: () => void, ms = 250): () => void {
  let last = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  return () => {
    const wait = last + ms - Date.now()
    if (wait <= 0 && !timer) {
      last = Date.now()
      run()
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = null
        last = Date.now()
        run()
      }, Math.max(wait, 0))
    }
  }
}
