/** Admin endpoints under `/__sim` for tests and benchmarks (PRODUCT.md). */
import type { SimApp } from '../context.ts'
import { parseFaultSpec } from '../faults.ts'
import { readJson } from '../http.ts'
import type { SimState } from '../sim-state.ts'

/** Registers `/__sim/stats`, `/__sim/faults` and `/__sim/reset`. */
export function registerAdminRoutes(app: SimApp, state: SimState): void {
  app.get('/__sim/stats', (c) => c.json(state.world.stats))
  app.get('/__sim/faults', (c) => c.json({ faults: state.faults.list() }))
  app.post('/__sim/faults', async (c) => {
    const fault = state.faults.add(parseFaultSpec(await readJson(c)))
    return c.json({ fault }, 201)
  })
  app.delete('/__sim/faults', () => {
    state.faults.clear()
    return new Response(null, { status: 204 })
  })
  app.post('/__sim/reset', async (c) => {
    await state.reset()
    return c.json({ reset: true })
  })
}
