/** `model.dimensions`: the items of lists, Time, Versions and subsets, listed or looked up. */
import type { NamedObject, RequestOptions, Selector } from '../../api.ts'
import { ValidationError } from '../../errors.ts'
import { path } from '../../internal/path.ts'
import { arrayOf } from '../envelope.ts'
import { ModelResource, requestOptions } from '../resource.ts'

export class DimensionsResource extends ModelResource {
  /** Items of a list or other dimension, by name or id. @example await model.dimensions.items('Regions') */
  async items(dimension: Selector, options?: RequestOptions): Promise<NamedObject[]> {
    const ro = requestOptions(options)
    const id = await this._catalog.dimensionId(dimension, ro)
    const res = await this._host.request(
      { method: 'GET', path: `${this._model.m}${path`/dimensions/${id}/items`}` },
      ro,
    )
    return arrayOf<NamedObject>(res.data, 'items')
  }

  /**
   * Finds items by name or code (case-insensitive on Anaplan's side); only matches come back.
   * @example await model.dimensions.lookup('Products', { codes: ['WID'] })
   */
  async lookup(
    dimension: Selector,
    query: { names?: string[]; codes?: string[] },
    options?: RequestOptions,
  ): Promise<NamedObject[]> {
    const ro = requestOptions(options)
    const id = await this._catalog.dimensionId(dimension, ro)
    const body: { names?: string[]; codes?: string[] } = {}
    if (query.names?.length) body.names = query.names
    if (query.codes?.length) body.codes = query.codes
    if (!body.names && !body.codes) throw new ValidationError('lookupDimensionItems needs names or codes')
    const res = await this._host.request(
      // A lookup only reads, so re-sending it is safe.
      { method: 'POST', path: `${this._model.m}${path`/dimensions/${id}/items`}`, body, idempotent: true },
      ro,
    )
    return arrayOf<NamedObject>(res.data, 'items')
  }

  /** Items of one dimension of a line item (Time included, which has no model-level listing). */
  async ofLineItem(
    lineItemId: string,
    dimensionId: string,
    options?: RequestOptions,
  ): Promise<NamedObject[]> {
    const res = await this._host.request(
      {
        method: 'GET',
        path: `${this._model.m}${path`/lineItems/${lineItemId}/dimensions/${dimensionId}/items`}`,
      },
      requestOptions(options),
    )
    return arrayOf<NamedObject>(res.data, 'items')
  }
}
