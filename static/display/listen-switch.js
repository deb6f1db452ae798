// The Listen control (button and key l) and the Dynamic toggle. Listening is off by
// default and remembered per screen in localStorage; a kiosk URL's ?dynamic=1 turns both
// on (?dynamic=0 turns dynamic mode off). The listening module itself (listen.js: the
// microphone, the analysis, dynamic mode) is fetched only when listening is turned on.

import { onKey } from "./keys.js";

const body = document.body;
const box = document.getElementById("listening");
const store = () => `artfeed.listening.${body.dataset.screen}`;
const fromUrl = new URL(location.href).searchParams.get("dynamic");
let listening = null; // the module, once loaded and started
let dynamicMode = false;

function remember(state) {
  if (state) localStorage.setItem(store(), state);
  else localStorage.removeItem(store());
}

function show() {
  for (const button of document.querySelectorAll("[data-listen-toggle]")) {
    button.setAttribute("aria-pressed", String(Boolean(listening)));
  }
  for (const button of document.querySelectorAll("[data-dynamic-toggle]")) {
    button.setAttribute("aria-pressed", String(Boolean(listening) && dynamicMode));
  }
}

async function turnOn() {
  const module = await import(box.dataset.src);
  if (await module.start({ dynamicMode })) {
    listening = module;
    remember(dynamicMode ? "dynamic" : "on");
  } else {
    remember(null); // refused or no microphone: off, and not asked again on the next load
  }
  show();
}

function turnOff() {
  listening?.stop();
  listening = null;
  dynamicMode = false; // l again listens without generating; Dynamic turns that back on
  remember(null);
  show();
}

function toggleDynamic() {
  dynamicMode = !(listening && dynamicMode);
  if (!listening) return turnOn();
  listening.setDynamic(dynamicMode);
  remember(dynamicMode ? "dynamic" : "on");
  show();
}

if (box) {
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-listen-toggle]")) listening ? turnOff() : turnOn();
    else if (event.target.closest("[data-dynamic-toggle]")) toggleDynamic();
  });
  onKey(["l", "L"], () => {
    if (listening) turnOff();
    else turnOn();
  });
  const saved = localStorage.getItem(store());
  // The URL's ?dynamic= (already checked by the server) wins over what was saved.
  const on = ["1", "on", "true", "yes"];
  dynamicMode = fromUrl === null ? saved === "dynamic" : on.includes(fromUrl.toLowerCase());
  if (dynamicMode || saved) turnOn();
}
