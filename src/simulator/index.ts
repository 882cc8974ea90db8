/**
 * @module simulator
 * The Anaplan simulator: an Anaplan-compatible auth service (`/token/*`) and Integration API v2
 * (`/2/0/*`) over a model described by a model file. `engine/` owns the model and its calculations,
 * `service/` the HTTP behaviour. Imports nothing from `src/anaplan/` (an independent implementation
 * is an independent check of the client).
 */

export type { SimulatorOptions } from './service/sim-state.ts'
export {
  createSimulatorApp,
  type RunningSimulator,
  type SimulatorApp,
  type StartSimulatorOptions,
  startSimulator,
} from './service/simulator.ts'
