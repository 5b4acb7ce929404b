import { onMounted, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import type { AppError } from '../../bindings'
import { toAppError } from '../../errors'

/** Loads a tab's data when the tab is first shown; `reload` after a change. */
export function useLoad<T>(load: () => Promise<T>): { data: ShallowRef<T | null>; loading: Ref<boolean>; problem: Ref<AppError | null>; reload: () => Promise<void> } {
  const data = shallowRef<T | null>(null)
  const loading = ref(false)
  const problem = ref<AppError | null>(null)
  async function reload() {
    loading.value = true
    try {
      data.value = await load()
      problem.value = null
    } catch (e) {
      problem.value = toAppError(e)
    } finally {
      loading.value = false
    }
  }
  onMounted(reload)
  return { data, loading, problem, reload }
}
