import type { Authorizer, Campaign, CampaignItem, CampaignView, Template } from '../src/bindings'

export function template(id: number, version: string): Template {
  return {
    component_appid: 'wxdemo0000000001',
    template_id: id,
    template_type: 0,
    user_version: version,
    user_desc: `desc ${version}`,
    create_time: id,
    draft_id: null,
    source_miniprogram_appid: null,
    source_miniprogram: null,
    developer: null,
    audit_status: null,
    reason: null,
    category_list: [],
    first_seen_at: 0,
    synced_at: 0,
    gone_at: null,
    has_meta: false,
    has_ext_schema: false,
    in_use: false,
  }
}

export function authorizer(appid: string, nick: string): Authorizer {
  return {
    appid,
    component_appid: 'wxdemo0000000001',
    nick_name: nick,
    user_name: 'gh_1',
    principal_name: 'p',
    head_img: '',
    status: 'authorized',
    granted: [],
    authorized_at: 1,
    revoked_at: null,
    info_synced_at: null,
    list_synced_at: null,
    updated_at: 1,
  } as Authorizer
}

export function item(id: number, appid: string, state: CampaignItem['state'], extra: Partial<CampaignItem> = {}): CampaignItem {
  return {
    id,
    seq: id,
    appid,
    canary: false,
    state,
    preflight: { appid, ok: true, checks: [] },
    auditid: null,
    audit_row: null,
    attempts: 0,
    privacy_waits: 0,
    next_at: null,
    release_requested: false,
    errcode: null,
    problem: null,
    started_at: null,
    committed_at: null,
    submitted_at: null,
    audit_at: null,
    released_at: null,
    finished_at: null,
    updated_at: 1,
    ...extra,
  }
}

export function campaign(id: number, state: Campaign['state'], items: CampaignItem[]): CampaignView {
  const counts = { total: 0, excluded: 0, pending: 0, in_progress: 0, under_audit: 0, passed: 0, released: 0, rejected: 0, failed: 0, cancelled: 0 }
  for (const i of items) {
    counts.total++
    if (i.state === 'excluded') counts.excluded++
    else if (i.state === 'pending') counts.pending++
    else if (['committing', 'committed', 'submitting'].includes(i.state)) counts.in_progress++
    else if (i.state === 'submitted') counts.under_audit++
    else if (['audit_passed', 'releasing'].includes(i.state)) counts.passed++
    else if (i.state === 'released') counts.released++
    else if (i.state === 'audit_rejected') counts.rejected++
    else if (i.state === 'failed') counts.failed++
    else counts.cancelled++
  }
  return {
    campaign: {
      id,
      spec: { platform: 'wxdemo0000000001', name: 'spring', template_id: 7, user_version: '1.2.0', targets: 'all' },
      state,
      state_reason: null,
      canary_open: false,
      actor: 'ops',
      created_at: 1,
      started_at: 1,
      finished_at: null,
      updated_at: 1,
      counts,
    },
    items,
  }
}
