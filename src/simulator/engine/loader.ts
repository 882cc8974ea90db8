/**
 * Loads a tenant (users, workspaces, models) from a model file, the demo model by default.
 * Every call builds a fresh, independent tenant, which is how `/__sim/reset` starts over.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { buildModel } from './build-model.ts'
import type { ModelRole, SimModelInfo, SimUser, SimWorkspace, Tenant } from './contract.ts'
import { ModelFileError, parseModelFile } from './model-file.ts'

/** The demo model file shipped with the simulator. */
export const DEMO_MODEL_FILE = modelFileUrl('demo.yaml')
/** A tenant for benchmarks: a larger module and a 1 GiB synthetic `Bench Export`. */
export const BENCH_MODEL_FILE = modelFileUrl('bench.yaml')

/** Next to this file when run from source; from `dist/` (tsc does not copy YAML), in `src/`. */
function modelFileUrl(name: string): URL {
  const here = new URL(`./models/${name}`, import.meta.url)
  if (existsSync(here)) return here
  return new URL(`../../../src/simulator/engine/models/${name}`, import.meta.url)
}

const hex32 = (seed: string): string => createHash('sha256').update(seed).digest('hex').slice(0, 32)

/**
 * Loads a tenant from `source.text` (YAML or JSON), else `source.file`, else the demo model.
 * @throws {ModelFileError} listing every problem with its line and key path
 */
export function loadTenant(source?: { file?: string; text?: string }): Tenant {
  let text: string
  let name: string
  if (source?.text !== undefined) {
    text = source.text
    name = source.file ?? 'model text'
  } else if (source?.file !== undefined) {
    name = source.file
    try {
      text = readFileSync(source.file, 'utf8')
    } catch (err) {
      throw new ModelFileError(name, [
        { path: [], message: `cannot read the file: ${(err as Error).message}` },
      ])
    }
  } else {
    name = 'demo.yaml'
    text = readFileSync(DEMO_MODEL_FILE, 'utf8')
  }
  const parsed = parseModelFile(text, name)
  const { spec } = parsed
  const issues: ModelFileError['issues'] = []
  const issue = (path: (string | number)[], message: string): void => {
    const line = parsed.lineOf(path)
    issues.push({ path, message, ...(line ? { line } : {}) })
  }

  const workspaces: SimWorkspace[] = []
  spec.workspaces.forEach((ws, i) => {
    if (workspaces.some((w) => w.name.toLowerCase() === ws.name.toLowerCase())) {
      issue(['workspaces', i, 'name'], `duplicate workspace ${ws.name}`)
      return
    }
    workspaces.push({
      id: (ws.id ?? hex32(`workspace:${ws.name}`)).toLowerCase(),
      name: ws.name,
      active: ws.active,
      sizeAllowance: ws.sizeAllowance,
      currentSize: 0,
    })
  })
  const workspaceByName = (n: string) => workspaces.find((w) => w.name.toLowerCase() === n.toLowerCase())

  const models: Tenant['models'] = []
  spec.models.forEach((ms, i) => {
    const ws = workspaceByName(ms.workspace)
    if (!ws) {
      issue(['models', i, 'workspace'], `unknown workspace ${ms.workspace}`)
      return
    }
    if (models.some((m) => m.info.name.toLowerCase() === ms.name.toLowerCase())) {
      issue(['models', i, 'name'], `duplicate model ${ms.name}`)
      return
    }
    const info: SimModelInfo = {
      id: (ms.id ?? hex32(`model:${ws.name}:${ms.name}`)).toUpperCase(),
      name: ms.name,
      workspaceId: ws.id,
      activeState: ms.state,
    }
    const model = buildModel(ms, info, ['models', i], issue)
    // A rough size so workspace listings show something plausible: 16 bytes per stored cell.
    let cells = 0
    for (const m of model.parts.modules) for (const li of m.lineItems) cells += li.cells.size
    ws.currentSize += cells * 16
    models.push(model)
  })
  const modelByName = (n: string) => models.find((m) => m.info.name.toLowerCase() === n.toLowerCase())

  const customerId = hex32(`customer:${spec.customer}`)
  const users: SimUser[] = []
  spec.users.forEach((us, i) => {
    const p = ['users', i]
    if (users.some((u) => u.email.toLowerCase() === us.email.toLowerCase())) {
      issue([...p, 'email'], `duplicate user ${us.email}`)
      return
    }
    const memberOf = new Set<string>()
    const adminOf = new Set<string>()
    us.workspaces.forEach((n, k) => {
      const ws = workspaceByName(n)
      if (!ws) issue([...p, 'workspaces', k], `unknown workspace ${n}`)
      else memberOf.add(ws.id)
    })
    us.workspaceAdmin.forEach((n, k) => {
      const ws = workspaceByName(n)
      if (!ws) issue([...p, 'workspaceAdmin', k], `unknown workspace ${n}`)
      else {
        adminOf.add(ws.id)
        memberOf.add(ws.id)
      }
    })
    const modelRoles: Record<string, ModelRole> = {}
    for (const m of models) if (adminOf.has(m.info.workspaceId)) modelRoles[m.info.id] = 'admin'
    for (const [n, role] of Object.entries(us.roles)) {
      const m = modelByName(n)
      if (!m) {
        issue([...p, 'roles', n], `unknown model ${n}`)
        continue
      }
      modelRoles[m.info.id] = role
    }
    const [local = us.email] = us.email.split('@')
    users.push({
      id: (us.id ?? hex32(`user:${us.email.toLowerCase()}`)).toLowerCase(),
      email: us.email,
      password: us.password,
      firstName: us.firstName ?? capitalise(local),
      lastName: us.lastName ?? 'User',
      customerId,
      certificates: [...us.certificates],
      caCertificates: [...us.caCertificates],
      modelRoles,
      workspaces: [...memberOf],
      adminWorkspaces: [...adminOf],
    })
  })

  if (issues.length > 0) throw new ModelFileError(name, issues)
  return { users, workspaces, models }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
