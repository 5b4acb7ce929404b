import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { makeI18n, savedLocale } from './i18n'
import { makeRouter } from './router'

const locale = savedLocale()
document.documentElement.lang = locale
createApp(App).use(ElementPlus).use(makeI18n(locale)).use(makeRouter()).mount('#app')
