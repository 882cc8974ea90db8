/**
 * @module simulator/engine
 * The simulator's model engine: the model file format, the demo model, the calculation engine
 * and the pure operations on a model. It knows nothing of HTTP; the service uses it through
 * `contract.ts`. It imports nothing from `src/anaplan/`.
 */
export { formatNumber } from './calc.ts'
export * from './contract.ts'
export { LINE_ITEMS_DIMENSION_ID, TIME_DIMENSION_ID, VERSIONS_DIMENSION_ID } from './dimension.ts'
export { syntheticContent } from './export-runner.ts'
export { BENCH_MODEL_FILE, DEMO_MODEL_FILE, loadTenant } from './loader.ts'
export {
  MAX_CELL_WRITES,
  MAX_DIMENSION_ITEMS,
  MAX_LIST_ITEMS_PER_CALL,
  MAX_VIEW_CELLS,
  Model,
} from './model.ts'
export { ModelFileError, parseModelFile } from './model-file.ts'
