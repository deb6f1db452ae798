// The frame loop: ask htmx for the next frame every dwell, decode it off screen, then
// crossfade it in. The current frame stays until the next one is ready, so the screen
// never shows an empty or half-loaded image. Announces each frame once it is fully on
// screen with the "artfeed:frameshown" event, and the start of its crossfade out with
// "artfeed:frameleaving" (the impression recorder listens to both).

import { onKey } from "./keys.js";

const body = document.body;
const stage = document.getElementById("stage");
const upNext = document.getElementById("up-next");
const dwellMs = Number(body.dataset.dwell) * 1000;
const FADE_MS = Number(body.dataset.fade); // the screen's, or the default (DEFAULT_FADE_MS, display/models.py)
// The stylesheet's crossfade takes as long (the policy forbids inline style attributes).
body.style.setProperty("--fade", `${FADE_MS}ms`);
const IDLE_MS = 2500;
const FLUSH_WAIT_MS = 5000;

// A stable id for this device: the URL's ?screen= wins (a kiosk URL configures its
// frame), then what this browser already used, then the name the server suggested.
// Every frame request names it, and the server keeps its cookie in step with that.
const SCREEN_STORE = "artfeed.screen";
const here = new URL(location.href);
const fromUrl = here.searchParams.get("screen");
// ?shown= is how a page without JavaScript reports its frame (display/reloads.py); this
// page reports through the recorder, so a reload of it must not report again.
if (here.searchParams.has("shown")) {
  here.searchParams.delete("shown");
  history.replaceState(history.state, "", here);
}
const screen = fromUrl || localStorage.getItem(SCREEN_STORE) || body.dataset.screen;
localStorage.setItem(SCREEN_STORE, screen);
body.dataset.screen = screen; // what generate.js and live.js send as this screen

let timer = null;
let paused = false;
let asleep = false; // the nightly sleep (sleep.js): no frame is asked for
let fetching = false;
let stale = false; // the staged frame was dropped: fetch again at once
let abandon = null; // while a staged frame decodes: gives up on it
// Until this moment (ms since the epoch) the frame on screen is pinned: no timer and no
// other pushed frame replaces it. Only a key press of the viewer does (skip()).
let pinnedUntil = 0;

function schedule(delay = dwellMs) {
  clearTimeout(timer);
  delay = Math.max(delay, pinnedUntil - Date.now());
  if (!paused && !asleep) timer = setTimeout(fetchNext, delay);
}

async function pinReleased() {
  while (Date.now() < pinnedUntil) {
    await new Promise((resolve) => setTimeout(resolve, pinnedUntil - Date.now()));
  }
}

async function fetchNext() {
  clearTimeout(timer);
  if (fetching || asleep) return;
  fetching = true;
  await impressionsSent();
  if (asleep) {
    fetching = false; // gone to sleep while the recorder sent its queue: ask for nothing
    return;
  }
  htmx.trigger(body, "artfeed:next");
}

// The server picks the next frame from what it knows was seen. A view still queued in
// the recorder (offline a while, a slow or failed flush) would let the frame just shown
// come back once its lease runs out, so the recorder sends its queue first. Bounded:
// the frame loop never waits on a server that does not answer.
function impressionsSent() {
  return new Promise((resolve) => {
    const giveUp = setTimeout(resolve, FLUSH_WAIT_MS);
    const done = () => {
      clearTimeout(giveUp);
      resolve();
    };
    document.dispatchEvent(new CustomEvent("artfeed:flush", { detail: { done } }));
  });
}

// Every request for a frame says which screen asks and for how long it will show it:
// the server leases the frame to this screen for that long.
upNext.addEventListener("htmx:configRequest", (event) => {
  event.detail.parameters.screen = screen;
  event.detail.parameters.dwell = String(dwellMs / 1000);
});

// Whatever happened (a frame, 204 "nothing new", an error, no network), the current
// frame stays and the loop goes on. A swapped-in frame is handled by htmx:afterSwap.
upNext.addEventListener("htmx:afterRequest", (event) => {
  const swapped = event.detail.successful && event.detail.xhr.status === 200;
  if (!swapped) {
    fetching = false;
    schedule();
  }
});

upNext.addEventListener("htmx:afterSwap", async () => {
  const incoming = upNext.firstElementChild;
  await pinReleased(); // a frame pinned while this one was on its way keeps its time
  const presented = incoming ? await present(incoming) : false;
  fetching = false;
  if (stale) schedule(0);
  else if (!presented) schedule();
  stale = false;
});

// A flush succeeded: these frames are now on record as seen. One that is staged (still
// decoding) was picked before the server knew, so it would repeat: drop it and ask
// again. One on stage that was seen before this page showed it (queued before a reload,
// say: the recorder marks it a repeat), or that has not been in view long enough to
// count in this page, is a repeat of an earlier view: move on.
body.addEventListener("artfeed:recorded", (event) => {
  const recorded = new Set(event.detail.ids);
  const staged = upNext.querySelector(".frame");
  if (staged && recorded.has(staged.dataset.artworkId)) {
    stale = true;
    upNext.replaceChildren();
    abandon?.(); // stop waiting for an image that will not be shown
  }
  const current = stage.querySelector(".frame:not(.leaving)");
  const repeat = current && ("repeat" in current.dataset || !("viewed" in current.dataset));
  if (repeat && recorded.has(current.dataset.artworkId)) {
    fetchNext();
  }
});

async function decoded(img) {
  // decode() resolves once the pixels are ready to paint; a broken image rejects. So can
  // an image that loaded before the call (a server-rendered first frame): Chromium may
  // reject decode() for it although it is painted, which a loaded size tells apart.
  if (!img) return;
  try {
    await img.decode();
  } catch (error) {
    if (!(img.complete && img.naturalWidth > 0)) throw error;
  }
}

// Resolves true once the incoming frame is on screen and the old one released; false
// when its image cannot be decoded (the current frame then simply stays).
async function present(incoming) {
  const img = incoming.querySelector("img");
  try {
    // Ready to paint, or dropped while decoding (a pending decode() is not rejected when
    // its image leaves the page, so the drop has its own way out).
    const dropped = new Promise((resolve) => {
      abandon = () => resolve(true);
    });
    if (await Promise.race([decoded(img).then(() => false), dropped])) return false;
  } catch {
    incoming.remove(); // unreadable image: keep the current frame
    return false;
  } finally {
    abandon = null;
  }
  // The frame boundary: the last moment to keep the current frame instead (upkeep.js
  // reloads here for a new release). Asleep since it was asked for (sleep.js), a frame is
  // not put on screen in the dark: waking asks for a fresh one.
  const ready = new CustomEvent("artfeed:frameready", { cancelable: true, detail: { element: incoming } });
  if (asleep || !document.dispatchEvent(ready)) {
    incoming.remove();
    return false;
  }
  const outgoing = [...stage.children];
  incoming.classList.add("entering");
  stage.append(incoming);
  incoming.getBoundingClientRect(); // commit the start state so the fade runs
  incoming.classList.remove("entering");
  for (const old of outgoing) {
    old.classList.add("leaving");
    document.dispatchEvent(new CustomEvent("artfeed:frameleaving", { detail: { element: old } }));
  }
  schedule(); // the dwell counts from the moment the new frame starts to appear
  await new Promise((resolve) => setTimeout(resolve, FADE_MS));
  for (const old of outgoing) old.remove(); // release old frames: days of swaps, flat DOM
  announce(incoming);
  return true;
}

// Marks the frame as on screen (for modules that start later, such as the recorder
// when this image came from cache and decoded at once) and tells those already listening.
function announce(frame) {
  if (frame.dataset.artworkId) {
    frame.dataset.shown = "true";
    document.dispatchEvent(new CustomEvent("artfeed:frameshown", { detail: { element: frame } }));
  }
}

// The server put the first frame in the page: announce it once its image is decoded.
const first = stage.querySelector(".frame");
if (first) {
  decoded(first.querySelector("img")).then(() => announce(first), () => {});
}
schedule();

// Pinned frames (DESIGN.md: "What I just made shows now"). generate.js (the artwork
// just made here) and live.js (one made on another screen) dispatch "artfeed:pin" with
// the frame element: it is shown at once, or right after the frame pinned before it,
// and stays for its data-pin-ms before the loop goes on. A frame already on screen
// (pushed back to the screen that made it) is not shown twice.
let arriving = Promise.resolve();
document.addEventListener("artfeed:pin", (event) => {
  const frame = event.detail.element;
  arriving = arriving.then(() => pin(frame));
});

async function pin(frame) {
  await pinReleased();
  const id = frame.dataset.artworkId;
  if ([...stage.querySelectorAll(".frame:not(.leaving)")].some((f) => f.dataset.artworkId === id)) {
    return;
  }
  const pinMs = Number(frame.dataset.pinMs || 0);
  pinnedUntil = Date.now() + pinMs + FADE_MS; // holds the loop off while it decodes and fades in
  const presented = await present(frame);
  pinnedUntil = presented ? Date.now() + pinMs : 0;
  schedule();
}

// The viewer asks for the next frame (→, or a dislike: votes.js dispatches
// "artfeed:skip"): that overrides a pin.
function skip() {
  pinnedUntil = 0;
  fetchNext();
}
document.addEventListener("artfeed:skip", skip);

// The nightly sleep (sleep.js): nothing is asked for until it wakes, then a fresh frame
// at once (the one on screen has been there all night).
document.addEventListener("artfeed:sleep", () => {
  asleep = true;
  clearTimeout(timer);
});
document.addEventListener("artfeed:wake", () => {
  asleep = false;
  skip();
});

// The watchdog (upkeep.js) saw no frame for several dwells: whatever holds the loop (a
// request that never ends, an image that never decodes, a handler that threw halfway)
// is let go and the next frame asked for afresh.
document.addEventListener("artfeed:recover", () => {
  htmx.trigger(upNext, "htmx:abort");
  abandon?.();
  upNext.replaceChildren();
  fetching = false;
  stale = false;
  skip();
});

// Keys: → next now, space pause/resume, f full screen.
onKey(["ArrowRight"], skip);
onKey([" "], () => {
  paused = !paused;
  body.classList.toggle("paused", paused);
  if (paused) clearTimeout(timer);
  else schedule();
});
onKey(["f", "F"], () => {
  if (document.fullscreenElement) document.exitFullscreen();
  else document.documentElement.requestFullscreen().catch(() => {});
});

// Hide the cursor and the hints when the mouse rests.
let idleTimer = null;
function wake() {
  body.classList.remove("idle");
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => body.classList.add("idle"), IDLE_MS);
}
document.addEventListener("mousemove", wake);
wake();
