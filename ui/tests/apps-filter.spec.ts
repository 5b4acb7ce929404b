import { describe, expect, it } from 'vitest'
import { filterChoices, filterRows } from '../src/components/apps/filter'
import { appRow, manyRows } from './apps-rows'

describe('filterRows', () => {
  const rows = [
    appRow({ appid: 'wxaaa', nick_name: 'Alpha 咖啡', state: 'online', template_id: 7, online_version: '1.0.0', latest_version: '1.1.0' }),
    appRow({ appid: 'wxbbb', nick_name: 'Beta 面包', principal_name: '面包公司', state: 'auditing', template_id: 8, latest_version: '1.2.0' }),
    appRow({ appid: 'wxccc', nick_name: 'Gamma', state: 'online', template_id: 8, online_version: '1.2.0', status: 'revoked' }),
  ]
  const ids = (f: Parameters<typeof filterRows>[1]) => filterRows(rows, f).map((r) => r.appid)

  it('keeps everything with an empty filter', () => {
    expect(ids({})).toEqual(['wxaaa', 'wxbbb', 'wxccc'])
    expect(ids({ search: '  ', state: '', templateId: null, version: '' })).toEqual(['wxaaa', 'wxbbb', 'wxccc'])
  })
  it('filters by state, template, version and status', () => {
    expect(ids({ state: 'online' })).toEqual(['wxaaa', 'wxccc'])
    expect(ids({ templateId: 8 })).toEqual(['wxbbb', 'wxccc'])
    expect(ids({ version: '1.2.0' })).toEqual(['wxbbb', 'wxccc'])
    expect(ids({ version: '1.0.0' })).toEqual(['wxaaa'])
    expect(ids({ status: 'revoked' })).toEqual(['wxccc'])
    expect(ids({ state: 'online', templateId: 8 })).toEqual(['wxccc'])
  })
  it('searches name, appid and subject case-insensitively', () => {
    expect(ids({ search: 'alpha' })).toEqual(['wxaaa'])
    expect(ids({ search: 'WXB' })).toEqual(['wxbbb'])
    expect(ids({ search: '面包公司' })).toEqual(['wxbbb'])
    expect(ids({ search: 'nothing' })).toEqual([])
  })
  it('offers the templates and versions present', () => {
    expect(filterChoices(rows)).toEqual({ templates: [8, 7], versions: ['1.2.0', '1.1.0', '1.0.0'] })
  })
  it('filters 10,000 rows within 50 ms', () => {
    const big = manyRows(10_000)
    filterRows(big, { search: 'store 1' }) // the first pass computes the search keys
    const started = performance.now()
    const found = filterRows(big, { search: 'store 99', state: 'online', templateId: 102, version: '1.2.0' })
    const all = filterRows(big, { search: '门店' })
    const elapsed = performance.now() - started
    expect(all).toHaveLength(10_000)
    expect(found.every((r) => r.state === 'online' && r.template_id === 102 && r.nick_name.includes('Store 99'))).toBe(true)
    expect(found.length).toBeGreaterThan(0)
    expect(elapsed).toBeLessThan(50)
    // Cold (no cached keys) too.
    const fresh = manyRows(10_000)
    const coldStart = performance.now()
    filterRows(fresh, { search: 'store 5' })
    expect(performance.now() - coldStart).toBeLessThan(50)
  })
})
