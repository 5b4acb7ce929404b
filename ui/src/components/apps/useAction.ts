import { ref } from 'vue'
import { ElMessageBox } from 'element-plus'
import type { AppError } from '../../bindings'
import { showDone, showProblem } from '../../notify'

/**
 * One action of a tab at a time: asks first when it is destructive (the message is text, never
 * markup), shows which button is busy, and keeps the failure for the inline problem box.
 */
export function useAction(confirmTitle: () => string) {
  const busy = ref<string | null>(null)
  const problem = ref<AppError | null>(null)

  async function run<T>(name: string, work: () => Promise<T>, options: { confirm?: string; done?: string } = {}): Promise<T | undefined> {
    if (options.confirm) {
      try {
        await ElMessageBox.confirm(options.confirm, confirmTitle(), { type: 'warning' })
      } catch {
        return undefined
      }
    }
    busy.value = name
    problem.value = null
    try {
      const value = await work()
      if (options.done) showDone(options.done)
      return value
    } catch (e) {
      problem.value = showProblem(e)
      return undefined
    } finally {
      busy.value = null
    }
  }

  return { busy, problem, run }
}
