import { createApp } from 'vue'
// Components come with their CSS where templates use them (vite.config.ts); these are the parts
// used from code: the base variables, and the notification and message box.
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/notification/style/css'
import 'element-plus/es/components/message-box/style/css'
import App from './App.vue'
import { makeI18n, savedLocale } from './i18n'
import { makeRouter } from './router'

const locale = savedLocale()
document.documentElement.lang = locale
createApp(App).use(makeI18n(locale)).use(makeRouter()).mount('#app')
