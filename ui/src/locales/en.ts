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
    authorize: 'Authorize',
    templates: 'Templates',
    campaigns: 'Campaigns',
    events: 'Events',
    auditLog: 'Audit log',
    settings: 'Settings',
    about: 'About',
  },
  common: {
    remedy: 'What to do',
    loading: 'Loading…',
    refresh: 'Refresh',
    save: 'Save',
    cancel: 'Cancel',
    confirm: 'OK',
    delete: 'Delete',
    retry: 'Retry',
    copy: 'Copy',
    copied: 'Copied',
    none: 'None',
    search: 'Search name or AppID (Ctrl+K)',
    platform: 'Platform',
    sandbox: 'Sandbox',
  },
  boot: {
    starting: 'Starting… (sandbox mode: starting the simulated WeChat and the relay)',
    failed: 'Start-up failed',
    failedHint: 'Check the platform configuration in Settings, or reset the sandbox.',
    sandboxBanner: 'Sandbox mode: WeChat here is a local simulator and all data is demo data.',
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
