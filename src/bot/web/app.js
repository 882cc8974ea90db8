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
  const who = document.getElementById('who')
  const logout = document.getElementById('logout')

  // Sign-in: the server says who we are and hands out the session's CSRF token, which every POST
  // carries in a header (a hostile page can make the browser send the cookie, never the header).
  let csrfToken = ''
  async function startSession() {
    const res = await fetch('/api/session', { headers: { Accept: 'application/json' } }).catch(
      () => undefined,
    )
    const data = res ? await res.json().catch(() => ({})) : {}
    if (res?.status === 401 && typeof data?.error?.login === 'string') {
      location.assign(`${data.error.login}?next=${encodeURIComponent(location.pathname)}`)
      return false
    }
    if (!res?.ok || typeof data.csrfToken !== 'string') {
      status.textContent = 'Not signed in'
      return false
    }
    csrfToken = data.csrfToken
    const name = data.user?.mode === 'local-demo' ? 'local demo user' : String(data.user?.name ?? '')
    who.textContent = data.user?.mode === 'local-demo' ? name : `Signed in as ${name}`
    who.hidden = false
    if (typeof data.logout === 'string') {
      logout.href = data.logout
      logout.hidden = false
    }
    return true
  }

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

  // --- status: what the page knows, said plainly ----------------------------------------------

  const MODEL_KEY = 'anaplan-bot.model'
  const userBadge = document.getElementById('who')
  const suggestionsBar = document.getElementById('suggestions')
  let online = false
  let model = localStorage.getItem(MODEL_KEY) || ''
  const running = new Set()
  let pending = 0
  let busySince = 0
  let busyTimer

  function showStatus() {
    let text
    if (pending > 0) {
      const s = Math.round((Date.now() - busySince) / 1000)
      text = s >= 2 ? `Working on it… ${s} s` : 'Working on it…'
    } else if (!online) text = 'Reconnecting…'
    else if (running.size > 0) text = `Running: ${[...running].join(', ')}`
    else text = model ? `Connected to ${model}` : 'Online · no model yet'
    status.textContent = text
    status.classList.toggle('live', online && pending === 0)
    status.classList.toggle('busy', pending > 0 || running.size > 0)
  }

  function setModel(name) {
    model = name || ''
    if (model) localStorage.setItem(MODEL_KEY, model)
    else localStorage.removeItem(MODEL_KEY)
    showStatus()
  }

  function setBusy(busy) {
    pending += busy ? 1 : -1
    typing.hidden = pending <= 0
    sendButton.disabled = pending > 0
    clearInterval(busyTimer)
    if (pending > 0) {
      busySince = busySince || Date.now()
      busyTimer = setInterval(showStatus, 1000)
    } else busySince = 0
    showStatus()
  }

  // Long tasks answer "Started X. I'll tell you when it finishes" and report back later.
  function trackTasks(messages) {
    for (const m of messages) {
      if (m.type !== 'text') continue
      const started = /^Started (.+?)\. I'll tell you when it finishes/.exec(m.text)
      if (started) running.add(started[1])
      for (const name of [...running]) {
        if (m.text.startsWith(`${name} `) && !m.text.startsWith(`${name} is still`)) running.delete(name)
      }
    }
    showStatus()
  }

  function showSuggestions(questions) {
    suggestionsBar.replaceChildren()
    suggestionsBar.hidden = !questions || questions.length === 0
    for (const q of questions || []) {
      const chip = el('button', 'suggestion', q)
      chip.type = 'button'
      chip.addEventListener('click', () => {
        suggestionsBar.hidden = true
        void send({ text: q }, q)
      })
      suggestionsBar.append(chip)
    }
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

  function renderTable(m, stale) {
    const card = el('figure', 'card table-card')
    if (m.title) card.append(el('h2', '', m.title))
    const wrap = el('div', 'table-wrap')
    wrap.tabIndex = 0
    wrap.setAttribute('role', 'region')
    wrap.setAttribute('aria-label', m.title || 'Table')
    const table = el('table')
    const thead = el('thead')
    const headRow = el('tr')
    m.columns.forEach((c, i) => {
      const th = el('th', i === 0 ? 'label' : '', c)
      th.scope = 'col'
      headRow.append(th)
    })
    thead.append(headRow)
    const tbody = el('tbody')
    for (const row of m.rows) {
      const tr = el('tr')
      row.forEach((cell, i) => {
        const td = el(i === 0 ? 'th' : 'td', i === 0 ? 'label' : NUMERIC.test(cell) ? 'num' : '', cell)
        if (i === 0) td.scope = 'row'
        tr.append(td)
      })
      tbody.append(tr)
    }
    table.append(thead, tbody)
    wrap.append(table)
    card.append(tableToolbar(m, table, stale), wrap)
    log.append(card)
  }

  // --- table toolbar: page selectors, period level, copy and CSV -----------------------------

  function tableToolbar(m, table, stale) {
    const bar = el('div', 'table-tools')
    for (const page of m.pages || []) bar.append(pageSelect(page, stale))
    const levels = periodLevels(m.columnPeriods)
    if (levels.length > 1) bar.append(levelSwitch(m.columnPeriods, levels, table))
    const spacer = el('span', 'spacer')
    const copy = el('button', 'tool', 'Copy')
    copy.type = 'button'
    copy.title = 'Copy the table (paste into a spreadsheet)'
    copy.addEventListener('click', () => {
      const text = visibleRows(m, table)
        .map((r) => r.join('\t'))
        .join('\n')
      navigator.clipboard?.writeText(text).then(
        () => flash(copy, 'Copied'),
        () => flash(copy, 'Copy failed'),
      )
    })
    const csv = el('button', 'tool', 'CSV')
    csv.type = 'button'
    csv.title = 'Download the table as CSV'
    csv.addEventListener('click', () => downloadCsv(m, table))
    bar.append(spacer, copy, csv)
    return bar
  }

  function pageSelect(page, stale) {
    const label = el('label', 'page-select')
    label.append(el('span', '', page.dimension))
    const select = el('select')
    // A table from an earlier visit shows its pages; switching them belongs to a fresh table.
    select.disabled = Boolean(stale)
    select.setAttribute('aria-label', `Page: ${page.dimension}`)
    for (const o of page.options) {
      const option = el('option', '', o.label)
      option.value = o.value
      if (o.label === page.selected) option.selected = true
      select.append(option)
    }
    select.addEventListener('change', () => {
      const o = page.options.find((x) => x.value === select.value)
      if (o) void send({ choice: o.value }, `${page.dimension}: ${o.label}`)
    })
    label.append(select)
    return label
  }

  const LEVEL_NAMES = { month: 'Months', quarter: 'Quarters', year: 'Years' }

  function periodLevels(columnPeriods) {
    if (!Array.isArray(columnPeriods)) return []
    return ['month', 'quarter', 'year'].filter((l) => columnPeriods.includes(l))
  }

  // Quarter and year columns are Anaplan's own totals: collapsing only hides the finer columns.
  function levelSwitch(columnPeriods, levels, table) {
    const group = el('div', 'levels')
    group.setAttribute('role', 'group')
    group.setAttribute('aria-label', 'Show periods as')
    const buttons = levels.map((level) => {
      const b = el('button', 'tool', LEVEL_NAMES[level])
      b.type = 'button'
      b.dataset.level = level
      b.addEventListener('click', () => {
        for (const x of buttons) x.setAttribute('aria-pressed', String(x === b))
        showLevel(table, columnPeriods, level, levels[0])
      })
      b.setAttribute('aria-pressed', String(level === levels[0]))
      return b
    })
    group.append(...buttons)
    return group
  }

  function showLevel(table, columnPeriods, level, finest) {
    for (const tr of table.rows) {
      Array.from(tr.cells).forEach((cell, i) => {
        const kind = columnPeriods[i]
        cell.hidden = kind !== null && kind !== undefined && level !== finest && kind !== level
      })
    }
  }

  function visibleRows(m, table) {
    const shown = Array.from(table.rows[0]?.cells || []).map((c) => !c.hidden)
    return [m.columns, ...m.rows].map((r) => r.filter((_, i) => shown[i] !== false))
  }

  function csvCell(v) {
    return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
  }

  function downloadCsv(m, table) {
    const text = visibleRows(m, table)
      .map((r) => r.map(csvCell).join(','))
      .join('\r\n')
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }))
    const a = el('a')
    a.href = url
    a.download = `${(m.title || 'table').replace(/[\\/:*?"<>|]/g, '_')}.csv`
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }

  function flash(button, text) {
    const before = button.textContent
    button.textContent = text
    setTimeout(() => {
      button.textContent = before
    }, 1500)
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
    new window.Chart(canvas, chartConfig(m))
  }

  // Parts share the left axis; a total is drawn as bars on its own right axis, so its size does
  // not flatten the parts. The legend sits below and stays small on a phone.
  function chartConfig(m) {
    const narrow = window.matchMedia('(max-width: 600px)').matches
    const right = m.series.some((s) => s.axis === 'right')
    const datasets = m.series.map((s, i) => {
      const color = PALETTE[i % PALETTE.length]
      return {
        label: s.axis === 'right' ? `${s.name} (right axis)` : s.name,
        data: s.values,
        type: s.total ? 'bar' : m.kind === 'bar' ? 'bar' : 'line',
        yAxisID: s.axis === 'right' ? 'y1' : 'y',
        borderColor: color,
        backgroundColor: s.total ? `${color}33` : `${color}55`,
        tension: 0.2,
        spanGaps: true,
        order: s.total ? 2 : 1,
      }
    })
    const scales = { y: { position: 'left', ticks: { maxTicksLimit: 6 } } }
    if (right)
      scales.y1 = { position: 'right', grid: { drawOnChartArea: false }, ticks: { maxTicksLimit: 6 } }
    return {
      type: m.kind === 'bar' ? 'bar' : 'line',
      data: { labels: m.labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales,
        plugins: {
          legend: {
            position: 'bottom',
            labels: {
              boxWidth: narrow ? 10 : 14,
              font: { size: narrow ? 10 : 12 },
              padding: narrow ? 6 : 10,
            },
          },
        },
      },
    }
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
      else if (m.type === 'table') renderTable(m, replaying)
      else if (m.type === 'chart') renderChart(m)
      else if (m.type === 'choices') renderChoices(m, replaying)
      else if (m.type === 'file') renderFile(m)
    }
    scrollDown()
  }

  /** Sends a turn; `shownAs` is the user's bubble (none for a turn the page makes itself). */
  async function send(body, shownAs) {
    if (shownAs !== undefined) addUser(shownAs)
    suggestionsBar.hidden = true
    setBusy(true)
    try {
      const post = () =>
        fetch('/api/chat', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
          body: JSON.stringify({ sessionId, ...body }),
        })
      let res = await post()
      let data = await res.json().catch(() => ({}))
      // A session that ended (expired, signed in elsewhere) is started again once.
      if ((res.status === 401 || data?.error?.code === 'csrf') && (await startSession())) {
        res = await post()
        data = await res.json().catch(() => ({}))
      }
      if (!res.ok) {
        addBotText(data?.error?.message || `The server answered ${res.status}.`, 'error')
      } else {
        const messages = data.messages || []
        render(messages)
        trackTasks(messages)
        followModel(data, messages)
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

  // The model the conversation is on, as the replies say it.
  function followModel(data, messages) {
    const said = messages.some((m) => m.type === 'text' && /^Connected to /.test(m.text))
    if (data.intent?.name === 'connect_model' && said && typeof data.parameters?.model === 'string') {
      setModel(data.parameters.model)
      listen() // fresh suggestions, from the model just opened
    } else if (data.intent?.name === 'disconnect') setModel('')
  }

  // --- the server's view of this session, on every (re)connect of the event stream ------------

  let events
  function listen() {
    if (events) events.close()
    events = new EventSource(`/api/events?sessionId=${encodeURIComponent(sessionId)}`)
    events.addEventListener('ready', (event) => {
      let info = {}
      try {
        info = JSON.parse(event.data)
      } catch {
        // An old server sends no details; the page still works.
      }
      online = true
      if (typeof info.user === 'string') {
        userBadge.textContent = info.user
        userBadge.title = `Signed in as ${info.user}`
        userBadge.hidden = false
      }
      if (info.known === false && (history.length > 0 || model)) recoverSession()
      else {
        if (typeof info.model === 'string') setModel(info.model)
        if (!history.some((e) => typeof e.user === 'string') || info.model) showSuggestions(info.suggestions)
      }
      showStatus()
    })
    events.addEventListener('messages', (event) => {
      try {
        const messages = JSON.parse(event.data).messages || []
        render(messages)
        trackTasks(messages)
      } catch {
        // A malformed event is dropped; the next one may be fine.
      }
    })
    events.onerror = () => {
      online = false
      showStatus()
      // A refused stream (401 after a restart with new session keys) is closed for good: sign in
      // again, then listen anew. A dropped one reconnects by itself.
      if (events.readyState === EventSource.CLOSED) {
        const closed = events
        setTimeout(() => {
          if (events !== closed) return
          void startSession().then((ok) => {
            if (ok && events === closed) listen()
          })
        }, 1000)
      }
    }
  }

  // The server no longer has this conversation (a restart with in-memory sessions): say so, start
  // a new session, and reopen the model the user was on. Nothing is re-run but the connection.
  function recoverSession() {
    const lostModel = model
    sessionId = makeSessionId()
    localStorage.setItem(SESSION_KEY, sessionId)
    history = []
    localStorage.removeItem(HISTORY_KEY)
    running.clear()
    for (const b of log.querySelectorAll('button, select')) b.disabled = true
    addBotText(
      lostModel
        ? `The bot was restarted and lost this conversation. Reconnecting you to ${lostModel}; the messages above are from before.`
        : 'The bot was restarted and lost this conversation; the messages above are from before.',
      'notice',
    )
    setModel('')
    listen()
    if (lostModel) void send({ text: `connect to ${lostModel}` })
  }

  newSession.addEventListener('click', () => {
    sessionId = makeSessionId()
    localStorage.setItem(SESSION_KEY, sessionId)
    history = []
    localStorage.removeItem(HISTORY_KEY)
    log.replaceChildren()
    setModel('')
    running.clear()
    listen()
    addBotText('New conversation started. Say "help" to see what I can do.')
    input.focus()
  })

  addBotText('Hi! Ask me about your Anaplan models. Try "connect to Sales Forecast" or "help".')
  for (const entry of history) {
    if (typeof entry.user === 'string') addUser(entry.user, true)
    else if (Array.isArray(entry.bot)) render(entry.bot, true)
  }
  void startSession().then((ok) => {
    if (ok) listen()
  })
  input.focus()
})()
