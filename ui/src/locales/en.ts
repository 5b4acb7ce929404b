import type zhCN from './zh-CN'

const en: typeof zhCN = {
  app: {
    name: 'wxfleet',
    tagline: 'Mini program operations console for third-party platforms',
    language: 'Language',
  },
  nav: {
    dashboard: 'Dashboard',
    miniPrograms: 'Mini programs',
    templates: 'Templates',
    campaigns: 'Campaigns',
    events: 'Events',
    settings: 'Settings',
    about: 'About',
  },
  placeholder: {
    comingSoon: 'Not built yet',
    dashboard: 'Every platform and mini program at a glance: tokens, pending audits, recent releases and failures.',
    miniPrograms: 'Every authorized merchant mini program: authorization state, live version, audit state, and the link a new merchant scans to authorize.',
    templates: "The code templates in the platform's template library, with each template's ext.json fields.",
    campaigns: 'Batch releases: commit one template to many mini programs, submit for audit, release and roll back, with progress per merchant.',
    events: 'Pushes from WeChat received through the relay: authorization changes, audit results and ticket refreshes, as they arrive.',
    settings: 'Platform settings (AppID, AppSecret, Token, EncodingAESKey), the relay connection and the sandbox workspace.',
  },
  about: {
    title: 'About wxfleet',
    versions: 'Versions',
    appVersion: 'wxfleet',
    tauriVersion: 'Tauri',
    wechatVersion: 'wechat protocol crate',
    platform: 'System',
    loading: 'Loading…',
    loadFailed: 'Could not read the app information',
    selfTest: 'Protocol self-test',
    selfTestHint: "At start-up, message encryption is checked against built-in public test vectors (WeChat's official samples and the SDKs).",
    summary: '{passed} passed, {failed} failed',
    allPassed: "All passed: the protocol layer agrees with WeChat's official samples.",
    someFailed:
      "{failed} self-test case(s) failed: the protocol layer disagrees with WeChat's official samples, so pushes may not decrypt correctly. Do not use this build in production, and report the problem.",
    noCases: 'This build has no built-in test vectors, so the self-test checked nothing.',
  },
}

export default en
