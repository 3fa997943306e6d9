import 'element-plus/dist/index.css';
import { createApp } from 'vue';
import TrackApp from './track/TrackApp.vue';

createApp(TrackApp).mount('#app');
