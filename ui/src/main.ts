import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { createBackend } from '$lib/backend';
import { AppModel } from '$lib/state/app.svelte';
import { browserStorage } from '$lib/state/storage';

const backend = await createBackend();
const app = new AppModel(backend, { storage: browserStorage(), systemLocale: navigator.language });
app.focus.attach(window);
mount(App, { target: document.getElementById('app')!, props: { app } });
void app.start();
