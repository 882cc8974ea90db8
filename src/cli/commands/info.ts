/**
 * Read-only commands: `token`, `whoami`, and the listings (workspaces, models, imports, exports,
 * processes, actions, files, views, modules, lists, line-items).
 */
import type { Command } from 'commander'
import { type ActionType, resolveName } from '../../anaplan/index.ts'
import type { CliContext } from '../context.ts'
import type { Grid } from '../output.ts'
import type { Act } from '../program.ts'

/** Registers the read-only commands. */
export function registerInfoCommands(program: Command, act: Act): void {
  program
    .command('token')
    .description('print a fresh Anaplan token as JSON {tokenValue, expiresAt} (it is not logged out)')
    .action(act(token))
  program.command('whoami').description('the signed-in user and where the CLI connects').action(act(whoami))
  program.command('workspaces').description('list the workspaces you can see').action(act(workspaces))
  program.command('models').description('list models (of --workspace when given)').action(act(models))

  const listing = (name: string, description: string, grid: (ctx: CliContext) => Promise<Grid>) =>
    program
      .command(name)
      .description(description)
      .action(act(async (ctx) => printGrid(ctx, await grid(ctx))))

  listing('imports', 'list the imports of the model', async (ctx) => {
    const items = await (await ctx.scope()).listImports(ctx.request)
    return grid(
      ['id', 'name', 'type', 'data source'],
      items.map((i) => [i.id, i.name, i.importType, i.importDataSourceId]),
    )
  })
  listing('exports', 'list the exports of the model', async (ctx) => {
    const items = await (await ctx.scope()).listExports(ctx.request)
    return grid(
      ['id', 'name', 'type', 'format'],
      items.map((i) => [i.id, i.name, i.exportType, i.exportFormat]),
    )
  })
  listing('processes', 'list the processes of the model', async (ctx) => {
    const items = await (await ctx.scope()).listProcesses(ctx.request)
    return grid(
      ['id', 'name'],
      items.map((i) => [i.id, i.name]),
    )
  })
  program
    .command('actions')
    .description('list the other actions (delete actions...) of the model; --all lists every runnable action')
    .option('-a, --all', 'imports, exports, processes and actions together, with their type')
    .action(
      act(async (ctx, _args, opts) => {
        const scope = await ctx.scope()
        if (!(opts as { all?: boolean }).all) {
          const items = await scope.listOtherActions(ctx.request)
          return printGrid(
            ctx,
            grid(
              ['id', 'name', 'type'],
              items.map((i) => [i.id, i.name, i.actionType ?? '']),
            ),
          )
        }
        const types: ActionType[] = ['import', 'export', 'process', 'action']
        const lists = await Promise.all(types.map((t) => scope.listActions(t, ctx.request)))
        const rows = lists.flatMap((items, i) => items.map((a) => [types[i]!, a.id, a.name]))
        return printGrid(ctx, grid(['type', 'id', 'name'], rows))
      }),
    )
  listing('files', 'list the files of the model (import sources and export outputs)', async (ctx) => {
    const items = await (await ctx.scope()).listFiles(ctx.request)
    return grid(
      ['id', 'name', 'chunks'],
      items.map((f) => [f.id, f.name, String(f.chunkCount)]),
    )
  })
  listing('views', 'list the saved views of the model', async (ctx) => {
    const scope = await ctx.scope()
    const [views, modules] = await Promise.all([scope.listViews(ctx.request), scope.listModules(ctx.request)])
    const moduleName = new Map(modules.map((m) => [m.id, m.name]))
    return grid(
      ['id', 'name', 'module'],
      views.map((v) => [v.id, v.name, moduleName.get(v.moduleId) ?? v.moduleId]),
    )
  })
  listing('modules', 'list the modules of the model', async (ctx) => {
    const items = await (await ctx.scope()).listModules(ctx.request)
    return grid(
      ['id', 'name'],
      items.map((i) => [i.id, i.name]),
    )
  })
  listing('lists', 'list the lists of the model', async (ctx) => {
    const items = await (await ctx.scope()).listLists(ctx.request)
    return grid(
      ['id', 'name'],
      items.map((i) => [i.id, i.name]),
    )
  })
  program
    .command('line-items')
    .argument('[module]', 'module name or id (all modules when omitted)')
    .description('list line items, of one module or of all')
    .action(
      act(async (ctx, [module]) => {
        const items = await (await ctx.scope()).listLineItems(module as string | undefined, ctx.request)
        return printGrid(
          ctx,
          grid(
            ['id', 'name', 'module', 'format'],
            items.map((i) => [i.id, i.name, i.moduleName, typeof i.format === 'string' ? i.format : '']),
          ),
        )
      }),
    )
}

function grid(columns: string[], rows: (string | undefined)[][]): Grid {
  return { columns, rows: rows.map((r) => r.map((c) => c ?? '')) }
}

async function printGrid(ctx: CliContext, g: Grid): Promise<undefined> {
  ctx.out.grid(g)
  return undefined
}

async function token(ctx: CliContext): Promise<undefined> {
  const client = ctx.client()
  // The whole point is to hand the token to something else: logging out at exit would revoke it.
  ctx.keepToken = true
  const tokenValue = await client.tokens.getToken()
  const expiresAt = client.tokens.current()?.expiresAt ?? null
  // Always JSON, with or without --json: this output is meant for other programs.
  ctx.io.stdout.write(`${JSON.stringify({ tokenValue, expiresAt })}\n`)
  return undefined
}

async function whoami(ctx: CliContext): Promise<undefined> {
  const client = ctx.client()
  const user = await client.users.me(ctx.request)
  const s = ctx.settings
  const expiresAt = client.tokens.current()?.expiresAt
  const value = {
    user,
    authUrl: s.authUrl,
    apiUrl: s.apiUrl,
    credentials: s.credentialSource,
    ...(s.workspace ? { workspace: s.workspace } : {}),
    ...(s.model ? { model: s.model } : {}),
    ...(expiresAt ? { tokenExpiresAt: new Date(expiresAt).toISOString() } : {}),
  }
  ctx.out.result(value, () => {
    const name = [user.firstName, user.lastName].filter(Boolean).join(' ')
    return [
      `${user.email}${name ? ` (${name})` : ''}  id ${user.id}`,
      `signed in with ${s.credentialSource} at ${s.authUrl}`,
      `API ${s.apiUrl}`,
      ...(s.workspace || s.model ? [`selected: ${[s.workspace, s.model].filter(Boolean).join(' / ')}`] : []),
      ...(value.tokenExpiresAt ? [`token valid until ${value.tokenExpiresAt}`] : []),
    ].join('\n')
  })
  return undefined
}

async function workspaces(ctx: CliContext): Promise<undefined> {
  const items = await ctx.client().workspaces.list(ctx.request)
  return printGrid(
    ctx,
    grid(
      ['id', 'name', 'active', 'size'],
      items.map((w) => [
        w.id,
        w.name,
        String(w.active),
        w.currentSize === undefined ? '' : String(w.currentSize),
      ]),
    ),
  )
}

async function models(ctx: CliContext): Promise<undefined> {
  const client = ctx.client()
  let workspaceId: string | undefined
  if (ctx.settings.workspace) {
    const all = await client.workspaces.list(ctx.request)
    workspaceId = resolveName('workspace', all, ctx.settings.workspace).id
  }
  const items = await client.models.list(workspaceId ? { workspaceId } : {}, ctx.request)
  return printGrid(
    ctx,
    grid(
      ['id', 'name', 'state', 'workspace'],
      items.map((m) => [m.id, m.name, String(m.activeState), m.currentWorkspaceName]),
    ),
  )
}
