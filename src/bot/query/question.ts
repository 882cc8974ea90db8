/**
 * The typed question: what a planner asked, as a plan the engine executes deterministically. The
 * language layer (NLU) produces it and never computes a figure; the engine reads Anaplan and
 * computes; the answer states the plan back in one line. It is a public interface: `/api/chat`
 * returns it as `question`, and the MCP server and other channels will take it as input.
 *
 * Names are catalog names (`ModelCatalog`), resolved before a question is built; anything the
 * parser could not resolve is carried in `unresolved` so the guard can name it back.
 */

/** A reference to a catalog dimension: a list, Time or Versions. */
export interface DimensionRef {
  id: string
  name: string
  kind: 'list' | 'time' | 'version'
}

/** One measure: a line item of the catalog. */
export interface Measure {
  lineItemId: string
  lineItem: string
  moduleId: string
  module: string
}

/** Which items of one dimension the question covers. */
export type Selector =
  /** Named items; a parent or top-level item ("Total Regions", "Q2 FY26") stands for its total. */
  | { kind: 'items'; items: { id: string; name: string }[] }
  /** The items directly below a parent ("the months of Q2", "regions in Europe"). */
  | { kind: 'children'; of: { id: string; name: string } }
  /** A run of periods of one level, inclusive ("Jan to Mar", "Q1 to Q3", "first half"). */
  | { kind: 'range'; from: { id: string; name: string }; to: { id: string; name: string } }
  /** Every leaf item of the dimension (a breakdown or ranking "by SKU"). */
  | { kind: 'all' }

/** The level of periods a shape over Time uses (`by` Time in a breakdown or ranking: months unless said). */
export type TimeLevel = 'month' | 'quarter' | 'half' | 'year'

export type Shape =
  /**
   * One figure per measure (and per selected item when a selector names several: then a table).
   * `combine`: the figures added up as well ("EMEA and APAC combined", "salaries and travel
   * together"), where the line item's summary adds up over what varies.
   */
  | { kind: 'value'; combine?: boolean }
  /** The measure broken down by the items of `by` within the slice. */
  | { kind: 'breakdown'; by: DimensionRef; level?: TimeLevel }
  /** Items of `by` ordered by the first measure; `limit` absent means all of them ("order the regions"). */
  | { kind: 'ranking'; by: DimensionRef; order: 'desc' | 'asc'; limit?: number; level?: TimeLevel }
  /**
   * Two or more points on one axis (versions, periods or items, named in the slice of `axis`),
   * with difference and % change of each against the first.
   */
  | { kind: 'compare'; axis: DimensionRef }
  /** Each item of `by` as a share of its parent total (or of the slice's total). */
  | { kind: 'share'; by: DimensionRef }
  /** The measure over periods of `level` (months unless said). */
  | { kind: 'trend'; level: TimeLevel }
  /**
   * Why a figure changed between two points of `axis` (periods or versions, the first two items
   * of its selector): the difference split over the children of `over` (every other list
   * dimension when absent), top contributors and detractors first.
   */
  | {
      kind: 'explain'
      axis: DimensionRef
      over?: DimensionRef[]
      /**
       * A ranking of the change ("which region grew the most": `desc`; "fell the most": `asc`):
       * each item's own change between the two points, in that order, the first one leading.
       */
      rank?: 'asc' | 'desc'
    }

export interface Question {
  modelId: string
  measures: Measure[]
  /**
   * Dimension id → selector, for the dimensions the question names. A list dimension left out
   * means its top-level total; Versions left out means the current version (Forecast); Time left
   * out means the measure's whole time range (its year total, summarised by its time summary).
   */
  slice: Record<string, Selector>
  shape: Shape
  /** How the user asked to see it; the answer picks text/table/chart by shape when absent. */
  presentation?: 'text' | 'table' | 'chart'
  /** Words that name something the catalog does not have; a question with any is never executed. */
  unresolved?: {
    text: string
    /** `operation`: something asked of the figures the engine does not compute ("excluding EMEA"). */
    expected: 'measure' | 'item' | 'period' | 'version' | 'dimension' | 'operation'
    /** The list an unknown item was expected in, when the words say or only one list fits. */
    dimension?: string
    /** Catalog names close to the text, for "did you mean". */
    near?: string[]
  }[]
}

/** A question as the bot's own choices carry it (they are signed; this checks the shape). */
export function isQuestion(q: unknown): q is Question {
  const x = q as Partial<Question> | undefined
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.modelId === 'string' &&
    Array.isArray(x.measures) &&
    typeof x.slice === 'object' &&
    typeof x.shape === 'object'
  )
}
