/** `model.calendar`: the model calendar, its current period, and the versions. */
import type { CurrentPeriod, ModelCalendar, RequestOptions, Version } from '../../api.ts'
import { ValidationError } from '../../errors.ts'
import { arrayOf, objectOf } from '../envelope.ts'
import { ModelResource, requestOptions } from '../resource.ts'

export class CalendarResource extends ModelResource {
  /** @example const { fiscalYear } = await model.calendar.get() */
  async get(options?: RequestOptions): Promise<ModelCalendar> {
    const res = await this._host.request(
      { method: 'GET', path: `${this._model.m}/modelCalendar` },
      requestOptions(options),
    )
    // Week-General calendars answer an empty object, which envelopes may leave out entirely.
    const b = res.data as { modelCalendar?: unknown } | undefined
    if (b && typeof b === 'object' && b.modelCalendar === undefined) return {}
    return objectOf<ModelCalendar>(res.data, 'modelCalendar')
  }

  /** @example const { periodText } = await model.calendar.currentPeriod() */
  async currentPeriod(options?: RequestOptions): Promise<CurrentPeriod> {
    const res = await this._host.request(
      { method: 'GET', path: `${this._model.m}/currentPeriod` },
      requestOptions(options),
    )
    return objectOf<CurrentPeriod>(res.data, 'currentPeriod')
  }

  /**
   * Sets the current period to the one containing `date`; `''` clears it. DESTRUCTIVE on Anaplan's
   * side (data outside the new time range may be deleted): callers should confirm with a person
   * first. Re-sending sets the same period, so the PUT is retried like any idempotent call.
   * @throws {ValidationError} When `date` is not `YYYY-MM-DD` (or a valid Date), before any request.
   * @throws {BadRequestError} When the date is outside the model's timescale.
   * @throws {PermissionDeniedError} Without workspace administrator rights.
   * @example const { periodText } = await model.calendar.setCurrentPeriod('2026-03-15') // → 'Mar 26'
   */
  async setCurrentPeriod(date: string | Date, options?: RequestOptions): Promise<CurrentPeriod> {
    const iso = isoDate(date)
    const res = await this._host.request(
      { method: 'PUT', path: `${this._model.ws}/currentPeriod`, body: { date: iso }, idempotent: true },
      requestOptions(options),
    )
    // Periods, formulas using the current period, even the timescale may have changed.
    this._catalog.invalidate()
    return objectOf<CurrentPeriod>(res.data, 'currentPeriod')
  }

  /** @example const versions = await model.calendar.versions() */
  async versions(options?: RequestOptions): Promise<Version[]> {
    const res = await this._host.request(
      { method: 'GET', path: `${this._model.m}/versions` },
      requestOptions(options),
    )
    return arrayOf<Version>(res.data, 'versionMetadata', 'versions')
  }
}

/** `YYYY-MM-DD` from a string (checked) or a Date (its UTC day); `''` stays `''` (clears). */
function isoDate(date: string | Date): string {
  if (date instanceof Date) {
    if (Number.isNaN(date.getTime())) throw new ValidationError('setCurrentPeriod got an invalid Date')
    return date.toISOString().slice(0, 10)
  }
  const d = date.trim()
  if (d === '') return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d)
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined
  if (!day || day.toISOString().slice(0, 10) !== d) {
    throw new ValidationError(`A current period date must be a real day written YYYY-MM-DD, not "${date}"`)
  }
  return d
}
