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

/** The question in the one model it fits (now connected), or undefined (then asked back or left). */
export async function connectForQuestion(ctx: TurnContext, text: string): Promise<Question | undefined> {
  const v = await ctx.vocabulary()
  const fits: Fit[] = []
  await Promise.all(
    v.models.slice(0, MAX_MODELS).map(async (m) => {
      if (!ctx.permission({ name: m.name, id: m.id }).read) return
      try {
        const scope = await ctx.client.model(
          m.workspaceId ? { workspace: m.workspaceId, model: m.id } : { model: m.id },
        )
        const catalog = await scope.catalog()
        const p = parseQuestion(text, catalog)
        if (p.kind === 'question' && p.strong && !p.question.unresolved?.length && p.question.measures.length)
          fits.push({ model: m, workspaceId: scope.workspaceId, question: p.question, catalog })
      } catch {
        // An archived or unreadable model answers no question.
      }
    }),
  )
  if (fits.length === 1) {
    const f = fits[0] as Fit
    ctx.session.connected = {
      workspaceId: f.workspaceId,
      workspaceName: f.model.workspaceName ?? '',
      modelId: f.model.id,
      modelName: f.model.name,
    }
    delete ctx.session.view
    delete ctx.session.focus
    ctx.say(`Connected to ${f.model.name}.`)
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
