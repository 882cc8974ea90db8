/** `model.modules`: modules, their line items, and a line item's dimensions. */
import type { LineItem, Module, NamedObject, RequestOptions, Selector } from '../../api.ts'
import { path } from '../../internal/path.ts'
import { arrayOf, listAll } from '../envelope.ts'
import { ModelResource, requestOptions } from '../resource.ts'

export class ModulesResource extends ModelResource {
  /** A fresh listing. @example const modules = await model.modules.list() */
  list(options?: RequestOptions): Promise<Module[]> {
    return listAll<Module>(
      this._host,
      { path: `${this._model.m}/modules` },
      'modules',
      requestOptions(options),
    )
  }

  /**
   * Line items of one module, or of every module the user can read (fresh listings).
   * @example const items = await model.modules.lineItems('REV01 Revenue', { includeAll: true })
   */
  async lineItems(
    module?: Selector,
    params: { includeAll?: boolean } = {},
    options?: RequestOptions,
  ): Promise<LineItem[]> {
    const ro = requestOptions(options)
    const q = params.includeAll ? { query: { includeAll: true } } : {}
    if (module) {
      const mod = await this._catalog.module(module, ro)
      return listAll<LineItem>(
        this._host,
        { path: `${this._model.m}${path`/modules/${mod.id}/lineItems`}`, ...q },
        'items',
        ro,
      )
    }
    return listAll<LineItem>(this._host, { path: `${this._model.m}/lineItems`, ...q }, 'items', ro)
  }

  /** Dimensions a line item applies to (Time and Versions included). */
  async lineItemDimensions(lineItem: Selector, options?: RequestOptions): Promise<NamedObject[]> {
    const ro = requestOptions(options)
    const li = await this._catalog.lineItem(lineItem, ro)
    const res = await this._host.request(
      { method: 'GET', path: `${this._model.m}${path`/lineItems/${li.id}/dimensions`}` },
      ro,
    )
    return arrayOf<NamedObject>(res.data, 'dimensions')
  }
}
