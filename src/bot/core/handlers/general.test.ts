import { describe, expect, it } from 'vitest'
import type { TurnContext } from '../context.ts'
import type { Message } from '../types.ts'
import { fallback } from './general.ts'

describe('fallback', () => {
  it('offers each choice once, even when an alternative is one of the standing offers', async () => {
    const messages: Message[] = []
    const ctx = {
      turn: { text: 'and for the year before' },
      alternatives: [
        { name: 'help', confidence: 0.5 },
        { name: 'list_views', confidence: 0.4 },
      ],
      parameters: {},
      session: { connected: { modelId: 'm', modelName: 'Sales Forecast', workspaceId: 'w' } },
      messages,
      say: (text: string) => messages.push({ type: 'text', text }),
    } as unknown as TurnContext
    await fallback.run(ctx)
    const choices = messages.find((m) => m.type === 'choices')
    const values = choices?.type === 'choices' ? choices.options.map((o) => o.value) : []
    expect(values).toEqual(['help', 'list_views'])
  })
})
