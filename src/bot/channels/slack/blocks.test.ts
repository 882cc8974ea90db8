import { describe, expect, it } from 'vitest'
import type { Message } from '../../core/types.ts'
import { toSlackMessage } from './blocks.ts'

describe('toSlackMessage', () => {
  it('uses a static select (at most 100 options) when there are more than 25 choices', () => {
    const options = Array.from({ length: 130 }, (_, i) => ({ label: `Item ${i}`, value: `v${i}` }))
    const { blocks } = toSlackMessage([{ type: 'choices', prompt: 'Pick one', options }])
    const actions = blocks.find((b) => b.type === 'actions') as {
      elements: { type: string; options: unknown[] }[]
    }
    expect(actions.elements[0]?.type).toBe('static_select')
    expect(actions.elements[0]?.options).toHaveLength(100)
    expect(JSON.stringify(blocks.at(-1))).toContain('30 more: type the name instead.')
  })

  it('falls back to rows of buttons when choice values are too long for a select', () => {
    const options = Array.from({ length: 60 }, (_, i) => ({
      label: `Item ${i}`,
      value: `show_view?p=${'x'.repeat(200)}${i}`,
    }))
    const { blocks } = toSlackMessage([{ type: 'choices', options }])
    const actions = blocks.filter((b) => b.type === 'actions') as {
      elements: { type: string; value: string }[]
    }[]
    expect(actions.map((a) => a.elements.length)).toEqual([25, 25, 10])
    expect(actions[2]?.elements[9]?.value).toBe(options[59]?.value)
  })

  it('keeps a big table inside one 3000-character section', () => {
    const rows = Array.from({ length: 500 }, (_, i) => [`Row ${i}`, String(i * 1000), 'x'.repeat(30)])
    const { blocks } = toSlackMessage([{ type: 'table', columns: ['Name', 'Value', 'Note'], rows }])
    const section = blocks[0] as { text: { text: string } }
    expect(section.text.text.length).toBeLessThanOrEqual(3000)
    expect(section.text.text).toContain('more rows')
  })

  it('caps a message at 50 blocks and escapes mrkdwn control characters', () => {
    const many: Message[] = Array.from({ length: 80 }, (_, i) => ({
      type: 'text',
      text: `<b>${i} & more</b>`,
    }))
    const { blocks, text } = toSlackMessage(many)
    expect(blocks).toHaveLength(50)
    expect((blocks[0] as { text: { text: string } }).text.text).toBe('&lt;b&gt;0 &amp; more&lt;/b&gt;')
    expect(text.length).toBeLessThanOrEqual(3000)
  })

  it('links files with an absolute URL when given one', () => {
    const { blocks } = toSlackMessage([{ type: 'file', name: 'a.csv', url: '/downloads/x' }], {
      fileUrl: (u) => `https://bot.example.com${u}`,
    })
    expect((blocks[0] as { text: { text: string } }).text.text).toContain(
      '<https://bot.example.com/downloads/x|Download a.csv>',
    )
  })
})
