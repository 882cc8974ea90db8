// The web chat client: sends turns to /api/chat, renders the bot's messages (text, tables, charts,
// choices, downloads) and listens on /api/events (Server-Sent Events) for follow-ups such as a long
// import finishing. No framework and no build step; the page's CSP allows only same-origin scripts.
;(() => {
  const SESSION_KEY = 'anaplan-bot.sessionId'
  const log = document.getElementById('log')
  const form = document.getElementById('composer')
  const input = document.getElementById('input')
  const sendButton = document.getElementById('send')
  const typing = document.getElementById('typing')
  const status = document.getElementById('status')
  const newSession = document.getElementById('new-session')

  function makeSessionId() {
    const bytes = new Uint8Array(12)
    crypto.getRandomValues(bytes)
    return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
  }

  // The log scrolls on its own; keyboard users need to be able to focus it to scroll (WCAG 2.1.1).
  log.tabIndex = 0

  let sessionId = localStorage.getItem(SESSION_KEY)
  if (!sessionId || !/^[A-Za-z0-9._:@-]{1,128}$/.test(sessionId)) {
    sessionId = makeSessionId()
    localStorage.setItem(SESSION_KEY, sessionId)
  }

  // The conversation is kept per session (last 60 entries) so a reload shows it again.
  const HISTORY_KEY = 'anaplan-bot.history'
  const MAX_HISTORY = 60
  function loadHistory() {
    try {
      const saved = JSON.parse(localStorage.getItem(HISTORY_KEY) || 'null')
      return saved && saved.sessionId === sessionId && Array.isArray(saved.entries) ? saved.entries : []
    } catch {
      return []
    }
  }
  let history = loadHistory()
  function remember(entry) {
    history.push(entry)
    if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY)
    try {
      localStorage.setItem(HISTORY_KEY, JSON.stringify({ sessionId, entries: history }))
    } catch {
      // Storage full or disabled: the conversation still works, it is just not kept.
    }
  }

  let pending = 0
  function setBusy(busy) {
    pending += busy ? 1 : -1
    typing.hidden = pending <= 0
    sendButton.disabled = pending > 0
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight
  }

  function el(tag, className, text) {
    const node = document.createElement(tag)
    if (className) node.className = className
    if (text !== undefined) node.textContent = text
    return node
  }

  function addUser(text, replaying) {
    if (!replaying) remember({ user: text })
    const node = el('div', 'msg user', text)
    node.setAttribute('aria-label', `You said: ${text}`)
    log.append(node)
    scrollDown()
  }

  function addBotText(text, extraClass) {
    log.append(el('div', `msg bot${extraClass ? ` ${extraClass}` : ''}`, text))
  }

  const NUMERIC = /^-?[\d,.]+%?$/

  function renderTable(m) {
    const card = el('figure', 'card table-card')
    if (m.title) card.append(el('h2', '', m.title))
    const wrap = el('div', 'table-wrap')
    wrap.tabIndex = 0
    wrap.setAttribute('role', 'region')
    wrap.setAttribute('aria-label', m.title || 'Table')
    const table = el('table')
    const thead = el('thead')
    const headRow = el('tr')
    for (const c of m.columns) {
      const th = el('th', '', c)
      th.scope = 'col'
      headRow.append(th)
    }
    thead.append(headRow)
    const tbody = el('tbody')
    for (const row of m.rows) {
      const tr = el('tr')
      row.forEach((cell, i) => {
        const td = el(i === 0 ? 'th' : 'td', NUMERIC.test(cell) ? 'num' : '', cell)
        if (i === 0) td.scope = 'row'
        tr.append(td)
      })
      tbody.append(tr)
    }
    table.append(thead, tbody)
    wrap.append(table)
    card.append(wrap)
    log.append(card)
  }

  const PALETTE = ['#0b63ce', '#e8590c', '#2f9e44', '#ae3ec9', '#f59f00', '#1098ad', '#d6336c', '#5c7cfa']

  function renderChart(m) {
    const card = el('figure', 'card chart-card')
    if (m.title) card.append(el('h2', '', m.title))
    const box = el('div', 'chart')
    const canvas = el('canvas')
    canvas.setAttribute('role', 'img')
    canvas.setAttribute(
      'aria-label',
      `${m.kind} chart${m.title ? ` of ${m.title}` : ''}: ${m.series.map((s) => s.name).join(', ')}`,
    )
    box.append(canvas)
    card.append(box)
    log.append(card)
    if (typeof window.Chart !== 'function') {
      card.append(el('p', '', 'Charts are unavailable (chart library failed to load).'))
      return
    }
    new window.Chart(canvas, {
      type: m.kind === 'bar' ? 'bar' : 'line',
      data: {
        labels: m.labels,
        datasets: m.series.map((s, i) => ({
          label: s.name,
          data: s.values,
          borderColor: PALETTE[i % PALETTE.length],
          backgroundColor: `${PALETTE[i % PALETTE.length]}55`,
          tension: 0.2,
          spanGaps: true,
        })),
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false },
    })
  }

  function renderChoices(m, stale) {
    // A newer question supersedes the older ones (the bot refuses a stale confirmation anyway).
    for (const b of log.querySelectorAll('.choices button')) b.disabled = true
    const group = el('div', 'choices')
    group.setAttribute('role', 'group')
    group.setAttribute('aria-label', m.prompt || 'Choices')
    if (m.prompt) group.append(el('p', '', m.prompt))
    for (const option of m.options) {
      const button = el('button', 'choice', option.label)
      button.type = 'button'
      // Choices from an earlier visit may no longer apply: they are shown, not offered.
      if (stale) button.disabled = true
      button.addEventListener('click', () => {
        for (const b of group.querySelectorAll('button')) b.disabled = true
        button.setAttribute('aria-pressed', 'true')
        void send({ choice: option.value }, option.label)
      })
      group.append(button)
    }
    log.append(group)
  }

  function renderFile(m) {
    const link = el('a', 'download', `⬇ Download ${m.name}`)
    link.href = m.url
    link.setAttribute('download', m.name)
    if (typeof m.size === 'number') link.title = `${m.size} bytes`
    log.append(link)
  }

  function render(messages, replaying) {
    if (!replaying && messages.length > 0) remember({ bot: messages })
    for (const m of messages) {
      if (m.type === 'text') addBotText(m.text)
      else if (m.type === 'table') renderTable(m)
      else if (m.type === 'chart') renderChart(m)
      else if (m.type === 'choices') renderChoices(m, replaying)
      else if (m.type === 'file') renderFile(m)
    }
    scrollDown()
  }

  async function send(body, shownAs) {
    addUser(shownAs)
    setBusy(true)
    try {
      const res = await fetch('/api/chat', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sessionId, ...body }),
      })
      const data = await res.json().catch(() => ({}))
      if (!res.ok) {
        addBotText(data?.error?.message || `The server answered ${res.status}.`, 'error')
      } else {
        render(data.messages || [])
      }
    } catch {
      addBotText('The bot cannot be reached. Check your connection and try again.', 'error')
    } finally {
      setBusy(false)
      scrollDown()
      input.focus()
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const text = input.value.trim()
    if (!text || pending > 0) return
    input.value = ''
    void send({ text }, text)
  })

  let events
  function listen() {
    if (events) events.close()
    events = new EventSource(`/api/events?sessionId=${encodeURIComponent(sessionId)}`)
    events.addEventListener('ready', () => {
      status.textContent = 'Connected'
      status.classList.add('live')
    })
    events.addEventListener('messages', (event) => {
      try {
        render(JSON.parse(event.data).messages || [])
      } catch {
        // A malformed event is dropped; the next one may be fine.
      }
    })
    events.onerror = () => {
      status.textContent = 'Reconnecting…'
      status.classList.remove('live')
    }
  }

  newSession.addEventListener('click', () => {
    sessionId = makeSessionId()
    localStorage.setItem(SESSION_KEY, sessionId)
    history = []
    localStorage.removeItem(HISTORY_KEY)
    log.replaceChildren()
    listen()
    addBotText('New conversation started. Say "help" to see what I can do.')
    input.focus()
  })

  addBotText('Hi! Ask me about your Anaplan models. Try "connect to Sales Forecast" or "help".')
  for (const entry of history) {
    if (typeof entry.user === 'string') addUser(entry.user, true)
    else if (Array.isArray(entry.bot)) render(entry.bot, true)
  }
  listen()
  input.focus()
})()
