/**
 * A question before any model is connected: when its names exist in exactly one model the user
 * may read, the bot connects to it and says so; when several models fit, it asks which. Text that
 * is a question in no model is left to the classifier (the fallback, with no "Which model?").
 */
import type { ModelCatalog } from '../../anaplan/catalog.ts'
import { encodeChoice, type TurnContext } from '../core/context.ts'
import { parseQuestion } from './parse.ts'
import type { Question } from './question.ts'

/** Models looked at (the first ones the user sees, as the pooled vocabulary does). */
const MAX_MODELS = 10

interface Fit {
  model: { id: string; name: string; workspaceId?: string; workspaceName?: string }
  workspaceId: string
  question: Question
  catalog: ModelCatalog
}

/** A model the user may read, with the way to open it. */
export interface Candidate {
  model: Fit['model']
  open: () => Promise<{ workspaceId: string; catalog: () => Promise<ModelCatalog> }>
}

/** Each model opened with its catalog, side by side; an archived or unreadable one is skipped. */
async function eachCatalog<T>(
  candidates: readonly Candidate[],
  look: (model: Fit['model'], workspaceId: string, catalog: ModelCatalog) => T | undefined,
): Promise<T[]> {
  const found: T[] = []
  await Promise.all(
    candidates.slice(0, MAX_MODELS).map(async ({ model, open }) => {
      try {
        const scope = await open()
        const hit = look(model, scope.workspaceId, await scope.catalog())
        if (hit !== undefined) found.push(hit)
      } catch {
        // An archived or unreadable model has nothing to offer.
      }
    }),
  )
  return found
}

/** The models given, each opened through `client` when asked. */
export function candidatesOf(
  models: readonly Fit['model'][],
  client: { model: (s: { workspace?: string; model: string }) => ReturnType<Candidate['open']> },
): Candidate[] {
  return models.map((m) => ({
    model: m,
    open: () => client.model(m.workspaceId ? { workspace: m.workspaceId, model: m.id } : { model: m.id }),
  }))
}

/**
 * The models in which the text is a question naming only what exists there, each with that
 * question. No side effects: `/api/nlu` asks it as a chat turn does before connecting.
 */
export function questionFits(text: string, candidates: readonly Candidate[]): Promise<Fit[]> {
  return eachCatalog(candidates, (model, workspaceId, catalog) => {
    const p = parseQuestion(text, catalog)
    return p.kind === 'question' && p.strong && !p.question.unresolved?.length && p.question.measures.length
      ? { model, workspaceId, question: p.question, catalog }
      : undefined
  })
}

/** The saved view of that name (in full, short, or after its module's name). */
export function viewNamed(catalog: ModelCatalog, name: string): ModelCatalog['views'][number] | undefined {
  return catalog.views.find((x) => x.name === name || x.shortName === name || x.name.endsWith(`.${name}`))
}

/** The models the turn's user may read, to be opened on demand. */
async function candidates(ctx: TurnContext): Promise<Candidate[]> {
  const v = await ctx.vocabulary()
  return candidatesOf(
    v.models.filter((m) => ctx.permission({ name: m.name, id: m.id }).read),
    ctx.client,
  )
}

function connect(ctx: TurnContext, f: { model: Fit['model']; workspaceId: string }): void {
  ctx.session.connected = {
    workspaceId: f.workspaceId,
    workspaceName: f.model.workspaceName ?? '',
    modelId: f.model.id,
    modelName: f.model.name,
  }
  delete ctx.session.view
  delete ctx.session.focus
  ctx.say(`Connected to ${f.model.name}.`)
}

/**
 * "open the headcount view", "which employees are there" before connecting: the one model with a
 * saved view or a list of that name is connected (and said so); with none or several, nothing
 * changes and the handler answers.
 */
export async function connectForName(
  ctx: TurnContext,
  kind: 'view' | 'list',
  name: string,
): Promise<boolean> {
  const has = (catalog: ModelCatalog) =>
    kind === 'view' ? Boolean(viewNamed(catalog, name)) : catalog.lists.some((l) => l.name === name)
  const found = await eachCatalog(await candidates(ctx), (model, workspaceId, catalog) =>
    has(catalog) ? { model, workspaceId } : undefined,
  )
  if (found.length !== 1) return false
  connect(ctx, found[0] as (typeof found)[number])
  return true
}

/** The question in the one model it fits (now connected), or undefined (then asked back or left). */
export async function connectForQuestion(ctx: TurnContext, text: string): Promise<Question | undefined> {
  const fits = await questionFits(text, await candidates(ctx))
  if (fits.length === 1) {
    const f = fits[0] as Fit
    connect(ctx, f)
    return f.question
  }
  if (fits.length > 1) {
    const options = fits
      .sort((a, b) => a.model.name.localeCompare(b.model.name))
      .map((f) => ({ label: f.model.name, value: encodeChoice('connect_model', { model: f.model.name }) }))
    ctx.messages.push({ type: 'choices', prompt: 'Which model should I answer that from?', options })
    ctx.session.question = { intent: 'connect_model', parameters: {}, slot: 'model', options }
  }
  return undefined
}
