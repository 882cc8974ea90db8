/**
 * Bot messages as Slack Block Kit, within Slack's limits: 50 blocks a message, 3000 characters a
 * section, 25 buttons an actions block, 100 options a static select, 2000 characters a button value.
 */
import type { Message } from '../../core/types.ts'
import { renderMessage, renderTable } from '../render-text.ts'

/** `action_id` prefix of every button or select the bot renders; the click comes back as a choice. */
export const CHOICE_ACTION_PREFIX = 'anaplan_choice'

const MAX_BLOCKS = 50
const FENCE = '```'
/** Choices offered in one message (a static select's limit, and four actions blocks of buttons). */
const MAX_CHOICES = 100
const MAX_SECTION = 3000

export type SlackBlock = Record<string, unknown>

function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function plain(text: string, max: number): { type: 'plain_text'; text: string; emoji: boolean } {
  return { type: 'plain_text', text: text.length > max ? `${text.slice(0, max - 1)}…` : text, emoji: true }
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, MAX_SECTION) } }
}

/** Splits long text on line boundaries into section-sized pieces. */
function chunks(text: string, size: number): string[] {
  const out: string[] = []
  let cur = ''
  for (const line of text.split('\n')) {
    if (cur.length + line.length + 1 > size && cur) {
      out.push(cur)
      cur = ''
    }
    cur = cur ? `${cur}\n${line}` : line.slice(0, size)
  }
  if (cur) out.push(cur)
  return out
}

/** Table as a monospace code block, cutting rows until it fits one section. */
function tableBlocks(m: Extract<Message, { type: 'table' }>): SlackBlock[] {
  const fence = (t: string) => `${FENCE}\n${t}\n${FENCE}`
  let maxRows = Math.min(m.rows.length, 40)
  let body = renderTable(m.columns, m.rows, { maxRows, maxColumnWidth: 24 })
  while (fence(body).length > MAX_SECTION - 100 && maxRows > 1) {
    maxRows = Math.floor(maxRows / 2)
    body = renderTable(m.columns, m.rows, { maxRows, maxColumnWidth: 24 })
  }
  const blocks: SlackBlock[] = []
  if (m.title) blocks.push(section(`*${escapeMrkdwn(m.title)}*`))
  blocks.push(section(fence(escapeMrkdwn(body))))
  return blocks
}

function buttonStyle(value: string, label: string): 'primary' | 'danger' | undefined {
  const v = `${value} ${label}`.toLowerCase()
  if (/^(yes|confirm|ok)\b/.test(value.toLowerCase()) || /\b(yes|confirm)\b/.test(label.toLowerCase())) {
    return 'primary'
  }
  if (/\b(no|cancel|deny|stop)\b/.test(v)) return 'danger'
  return undefined
}

function choiceBlocks(m: Extract<Message, { type: 'choices' }>, index: number): SlackBlock[] {
  const blocks: SlackBlock[] = []
  if (m.prompt) blocks.push(section(escapeMrkdwn(m.prompt)))
  const options = m.options.filter((o) => o.value.length <= 2000)
  const shown = options.slice(0, MAX_CHOICES)
  // A select is tidier past 25 options, but its values hold only 150 characters; the core's
  // choice values can be longer, and then buttons (25 per actions block) carry them intact.
  if (options.length > 25 && shown.every((o) => o.value.length <= 150)) {
    blocks.push({
      type: 'actions',
      block_id: `${CHOICE_ACTION_PREFIX}_block_${index}`,
      elements: [
        {
          type: 'static_select',
          action_id: `${CHOICE_ACTION_PREFIX}_select`,
          placeholder: plain(m.prompt ?? 'Choose…', 150),
          options: shown.map((o) => ({ text: plain(o.label, 75), value: o.value })),
        },
      ],
    })
  } else {
    for (let start = 0; start < shown.length; start += 25) {
      blocks.push({
        type: 'actions',
        block_id: `${CHOICE_ACTION_PREFIX}_block_${index}_${start / 25}`,
        elements: shown.slice(start, start + 25).map((o, i) => {
          const style = buttonStyle(o.value, o.label)
          return {
            type: 'button',
            action_id: `${CHOICE_ACTION_PREFIX}_${start + i}`,
            text: plain(o.label, 75),
            value: o.value,
            ...(style ? { style } : {}),
          }
        }),
      })
    }
  }
  if (options.length > shown.length) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `_${options.length - shown.length} more: type the name instead._` }],
    })
  }
  return blocks
}

/** Renders bot messages as `{ text, blocks }` for `chat.postMessage` or a slash-command response. */
export function toSlackMessage(
  messages: Message[],
  options: { fileUrl?: (url: string) => string } = {},
): { text: string; blocks: SlackBlock[] } {
  const fileUrl = options.fileUrl ?? ((u: string) => u)
  const blocks: SlackBlock[] = []
  messages.forEach((m, index) => {
    switch (m.type) {
      case 'text':
        for (const piece of chunks(escapeMrkdwn(m.text), MAX_SECTION)) blocks.push(section(piece))
        break
      case 'table':
        blocks.push(...tableBlocks(m))
        break
      case 'chart':
        blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(renderMessage(m)) }] })
        break
      case 'choices':
        blocks.push(...choiceBlocks(m, index))
        break
      case 'file':
        blocks.push(section(`:page_facing_up: <${fileUrl(m.url)}|Download ${escapeMrkdwn(m.name)}>`))
        break
    }
  })
  const text = messages
    .map((m) => renderMessage(m, { fileUrl, maxRows: 20 }))
    .join('\n\n')
    .slice(0, 3000)
  if (blocks.length > MAX_BLOCKS) {
    blocks.length = MAX_BLOCKS - 1
    blocks.push(section('_… more in the web chat_'))
  }
  return { text: text || ' ', blocks }
}
