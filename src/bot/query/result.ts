/**
 * What executing a question gives back: per measure, the figures with the coordinates they were
 * computed at. Every figure is a cell Anaplan computed or an aggregate of cells (see `cube.ts`).
 */
import type { Measure } from './question.ts'

export interface Figure {
  /** Labels of the varying points (the breakdown item, the period of a trend...). */
  label: string
  value: number | null
}

export interface Where {
  dimension: string
  label: string
  total: boolean
}

export interface Base {
  measure: Measure
  /** The fixed coordinates of the answer, for the line saying what was computed. */
  where: Where[]
  /** Why a figure is missing or how it was made (no total, an average...). */
  notes: string[]
  format: string
}

export interface ExplainSplit {
  by: string
  parts: { label: string; change: number; share: number | null }[]
  /** Parts in the order the question ranked them (largest rise or fall first), not by share. */
  ranked?: 'asc' | 'desc'
}

export type Result =
  | (Base & {
      kind: 'value'
      figures: Figure[]
      by?: string
      /** The figures added up, when the question asked for them combined and they add up. */
      combined?: Figure
    })
  | (Base & {
      kind: 'series'
      shape: 'breakdown' | 'ranking' | 'trend' | 'share'
      by: string
      figures: (Figure & { share?: number | null })[]
      total?: Figure
      order?: 'asc' | 'desc'
    })
  | (Base & {
      kind: 'compare'
      axis: string
      figures: (Figure & { diff?: number | null; pct?: number | null })[]
    })
  | (Base & {
      kind: 'explain'
      axis: string
      from: Figure
      to: Figure
      change: number | null
      splits: ExplainSplit[]
    })

export interface Executed {
  results: Result[]
  reads: number
}
