import './track/track.css';
import { createApp } from 'vue';
import { loadConfig } from './config.js';
import { config } from './track/state.js';
import TrackApp from './track/TrackApp.vue';

async function start(): Promise<void> {
  try {
    config.value = await loadConfig();
  } catch {
    // the same origin, as both hosts serve it
  }
  createApp(TrackApp).mount('#app');
}

void start();
