import 'element-plus/dist/index.css';
import './styles.css';
import { createApp, h } from 'vue';
import App from './App.vue';
import { loadConfig } from './config.js';
import { t } from './i18n/index.js';
import { createAppRouter } from './router.js';
import { completeOidcSignIn } from './session.js';
import { config } from './store.js';

async function start(): Promise<void> {
  try {
    config.value = await loadConfig();
    if (config.value.auth.kind === 'oidc') await completeOidcSignIn(config.value.auth);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    createApp({
      render: () =>
        h('main', { class: 'fatal' }, [h('h1', t('app.title')), h('p', t('app.configError', { detail }))]),
    }).mount('#app');
    return;
  }
  createApp(App).use(createAppRouter()).mount('#app');
}

void start();
