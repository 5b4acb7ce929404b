export default {
  'zh-CN': {
    auditLog: {
      title: '操作日志',
      time: '时间',
      actor: '操作人',
      action: '操作',
      appids: '小程序',
      outcome: '结果',
      detail: '详情',
      appid: '按小程序 AppID 筛选',
      actionFilter: '按操作筛选',
      limit: '条数',
      empty: '没有记录',
    },
  },
  en: {
    auditLog: {
      title: 'Audit log',
      time: 'Time',
      actor: 'Actor',
      action: 'Action',
      appids: 'Mini programs',
      outcome: 'Outcome',
      detail: 'Detail',
      appid: 'Filter by mini program AppID',
      actionFilter: 'Filter by action',
      limit: 'Rows',
      empty: 'No entries',
    },
  },
}
