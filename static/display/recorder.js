// The impression recorder (DESIGN.md, "Impressions").
//
// A frame counts as seen only when it passes the viewability bar (MRC/IAB): its image
// decoded, the tab visible, at least half of it in view, for ARTFEED_VIEWABLE_MS without
// a break. Seen ids wait in a queue kept in localStorage, so a reload, a crash or a power
// cut loses nothing, and leave in batches for POST /api/impressions/. What is left when
// the page goes away leaves with navigator.sendBeacon.
//
// Delivery: an id leaves the queue only when the server has answered 2xx, or when the
// browser has taken it for delivery on the way out (a beacon, a keepalive request), so
// it is never knowingly sent twice. Should the page die in the middle of a request, the
// ids go again from the next page: the server keeps one row per user and artwork and
// only refreshes its viewed_at, so that copy changes nothing anyone sees.

import { csrfToken } from "./csrf.js";

const body = document.body;
const viewableMs = Number(body.dataset.viewableMs);
const url = body.dataset.impressionsUrl;
const batchMax = Number(body.dataset.batchMax);
// One queue per user: a browser shared by two people must never send what one of them
// saw as the other's.
const STORE = `artfeed.impressions.${body.dataset.user}`;

const DEBOUNCE_MS = 500; // views close together share one request
const RETRY_BASE_MS = 500; // first wait after a failure; doubles each time
const RETRY_CAP_MS = 60_000;
const REQUEST_TIMEOUT_MS = 15_000; // a request lost on flaky Wi-Fi must not block the queue

// --- Viewability -------------------------------------------------------------------

let watched = null; // { id, element, inView, timer, done }
let frozen = false;

const observer = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      if (watched && entry.target === watched.element) {
        watched.inView = entry.isIntersecting && entry.intersectionRatio >= 0.5;
      }
    }
    evaluate();
  },
  { threshold: [0, 0.5, 1] },
);

// Start or stop the continuous-view clock; any break resets it, so a glance does not
// count. IntersectionObserver reports geometry only: it still says "in view" for a
// background tab or a minimised window, which is why the page's visibility is checked
// too (browsers report both as "hidden", and Chromium also an occluded window).
function evaluate() {
  const w = watched;
  if (!w || w.done) return;
  const viewable = w.inView && document.visibilityState === "visible" && !frozen;
  if (viewable && !w.timer) {
    w.timer = setTimeout(() => {
      w.done = true;
      w.element.dataset.viewed = ""; // the display tells a fresh view from a stale repeat
      unwatch();
      enqueue(w.id);
    }, viewableMs);
  } else if (!viewable && w.timer) {
    clearTimeout(w.timer);
    w.timer = null;
  }
}

function watch(element) {
  unwatch();
  // Already queued when it appears: seen before this page (queued before a reload, say).
  // Viewing it again here adds nothing; the display moves on once the server has it.
  if (load().includes(element.dataset.artworkId)) element.dataset.repeat = "";
  watched = { id: element.dataset.artworkId, element, inView: false, timer: null, done: false };
  observer.observe(element);
}

function unwatch() {
  if (!watched) return;
  clearTimeout(watched.timer);
  observer.unobserve(watched.element);
  watched = null;
}

// --- The queue, in localStorage ----------------------------------------------------

let memory = null; // holds the queue instead when storage is disabled or full

function load() {
  if (memory) return [...memory];
  try {
    const ids = JSON.parse(localStorage.getItem(STORE) ?? "[]");
    if (Array.isArray(ids)) return ids;
  } catch {
    // Storage disabled, or a mangled value: carry on in memory.
  }
  memory = [];
  return [];
}

function save(ids) {
  if (!memory) {
    try {
      if (ids.length) localStorage.setItem(STORE, JSON.stringify(ids));
      else localStorage.removeItem(STORE);
      return;
    } catch {
      // Full or disabled: from now on the queue lives in memory, for this page only.
    }
  }
  memory = [...ids];
}

function keep(ids) {
  const queued = load();
  save([...queued, ...ids.filter((id) => !queued.includes(id))]);
}

function forget(ids) {
  const gone = new Set(ids);
  save(load().filter((id) => !gone.has(id)));
}

function enqueue(id) {
  keep([id]);
  schedule();
}

// --- Sending -----------------------------------------------------------------------

const sending = new Set(); // ids in this tab's request under way
let flushing = null; // the running flush: one at a time per tab
let debounce = null;
let retry = null;
let failures = 0;
let held = false; // 401/403: this page cannot send; the queue waits for the next one

function schedule() {
  if (retry || held) return; // a retry is due anyway, or sending cannot succeed here
  if (load().length >= batchMax) flush();
  else debounce ??= setTimeout(flush, DEBOUNCE_MS);
}

function flush() {
  clearTimeout(debounce);
  debounce = null;
  flushing ??= exclusive(sendQueued).finally(() => {
    flushing = null;
  });
  return flushing;
}

// Tabs of one user share the queue. The Web Locks API (secure contexts only) lets one
// tab flush at a time, so two tabs never post the same ids. Without it a rare overlap
// sends an id twice, which the server absorbs.
function exclusive(task) {
  return navigator.locks ? navigator.locks.request(STORE, task) : task();
}

async function sendQueued() {
  for (;;) {
    const ids = load().filter((id) => !sending.has(id)).slice(0, batchMax);
    if (!ids.length || !(await post(ids))) return;
  }
}

// True when the next chunk may go; false when sending must wait (retry or held).
async function post(ids) {
  for (const id of ids) sending.add(id);
  const abort = new AbortController();
  const timeout = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
  let response = null;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ artwork_ids: ids }),
      credentials: "same-origin",
      // The browser finishes a keepalive request even if the tab closes meanwhile.
      keepalive: true,
      signal: abort.signal,
    });
  } catch {
    // Offline, DNS, a dropped connection, our timeout: all worth another try.
  } finally {
    clearTimeout(timeout);
    for (const id of ids) sending.delete(id);
  }
  if (response?.ok) {
    forget(ids);
    failures = 0;
    clearTimeout(retry); // the display's request went ahead of a scheduled retry
    retry = null;
    const answer = await response.json().catch(() => ({}));
    // The display drops a staged frame that was just recorded; other regions may
    // refresh themselves with hx-trigger="artfeed:recorded from:body".
    const recorded = Array.isArray(answer.ids) ? answer.ids : ids;
    body.dispatchEvent(
      new CustomEvent("artfeed:recorded", { bubbles: true, detail: { ids: recorded } }),
    );
    return true;
  }
  keep(ids); // the exit path may have handed them to this very request
  if (retryable(response)) {
    retryLater(response);
    return false;
  }
  if (response.status === 401 || response.status === 403) {
    // Logged out, or no valid CSRF token: asking again from this page cannot help. The
    // ids stay queued under this user and leave from their next page.
    held = true;
    return false;
  }
  // Any other 4xx (malformed, too large) would fail the same way forever.
  forget(ids);
  const reason = await response.text().catch(() => "");
  console.warn("artfeed: impressions refused", response.status, reason);
  return true;
}

function retryable(response) {
  return !response || response.status >= 500 || response.status === 429;
}

function retryLater(response) {
  failures += 1;
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (failures - 1));
  // "Equal jitter": half the wait fixed, half random, so the screens an outage failed
  // together do not all come back at the same instant.
  let wait = ceiling / 2 + (Math.random() * ceiling) / 2;
  const asked = Number(response?.headers.get("Retry-After")) * 1000; // NaN for a date
  if (asked > wait) wait = Math.min(asked, RETRY_CAP_MS) + Math.random() * 1000;
  clearTimeout(retry);
  retry = setTimeout(() => {
    retry = null;
    flush();
  }, wait);
}

// --- On the way out ----------------------------------------------------------------

// Called on visibilitychange→hidden and on pagehide. "hidden" is the last event some
// browsers reliably fire before a tab is discarded, a phone locks or the lid shuts
// (mobile Safari may skip pagehide); pagehide covers closing and navigating away. The
// `unload` event is not used: it is unreliable, and it keeps the page out of the
// back/forward cache.
function sendOnExit() {
  clearTimeout(debounce);
  debounce = null;
  // A beacon's fate is invisible: the browser accepts it and drops it if it cannot be
  // delivered. Offline, after a failure or while held, the queue in localStorage is
  // the safer place; the next page (or this one, come back) sends it.
  if (held || retry || !navigator.onLine) return;
  let rest = load().filter((id) => !sending.has(id));
  while (rest.length) {
    const chunk = rest.slice(0, batchMax);
    if (!beacon(chunk)) break; // over the browser's quota: the rest stay queued
    forget(chunk);
    rest = rest.slice(batchMax);
  }
  // A request under way was made with keepalive and is the browser's to finish; should
  // this page live on and see it fail, post() queues its ids again.
  forget([...sending]);
}

function beacon(ids) {
  const form = new FormData();
  // One comma-separated field, not one part per id: multipart costs ~100 bytes a part
  // and the server refuses a body over its limit. A beacon carries no custom header, so
  // the CSRF token travels in the form, as csrfmiddlewaretoken.
  form.append("artwork_ids", ids.join(","));
  form.append("csrfmiddlewaretoken", csrfToken());
  if (navigator.sendBeacon) return navigator.sendBeacon(url, form);
  // No beacons here: a keepalive fetch also outlives the page, and tells us if it failed
  // while the page still lives.
  fetch(url, { method: "POST", body: form, credentials: "same-origin", keepalive: true }).then(
    (response) => retryable(response) && keep(ids),
    () => keep(ids),
  );
  return true;
}

// --- Wiring ------------------------------------------------------------------------

document.addEventListener("artfeed:frameshown", (event) => watch(event.detail.element));
// The first frame may have been announced before this module ran.
const alreadyShown = document.querySelector("#stage .frame[data-shown]");
if (alreadyShown) watch(alreadyShown);
document.addEventListener("artfeed:frameleaving", (event) => {
  // A crossfade has begun: the outgoing frame's view ends here, not when it is gone.
  if (watched?.element === event.detail.element) unwatch();
});

document.addEventListener("visibilitychange", () => {
  evaluate();
  if (document.visibilityState === "hidden") sendOnExit();
  else if (load().length) schedule();
});
addEventListener("pagehide", sendOnExit);
// Back from the back/forward cache: the page resumes without reloading.
addEventListener("pageshow", (event) => event.persisted && load().length && schedule());

// Page Lifecycle (Chromium): a frozen page runs no timers, and its clock must not count
// the time it spent frozen as time on screen.
document.addEventListener("freeze", () => {
  frozen = true;
  evaluate();
});
document.addEventListener("resume", () => {
  frozen = false;
  evaluate();
});

// The network is back: send now rather than wait out the backoff.
addEventListener("online", () => {
  clearTimeout(retry);
  retry = null;
  failures = 0;
  flush();
});

// The display asks before it fetches the next frame (see display.js); `done` is called
// once what was queued has been tried.
document.addEventListener("artfeed:flush", (event) => {
  const done = event.detail?.done ?? (() => {});
  if (held || !load().length) done();
  else flush().finally(done);
});

// What an earlier page left behind (a reload, a crash, a power cut) goes first, once
// every module has run: the display must hear what was recorded (DOMContentLoaded
// fires after the deferred modules).
document.addEventListener("DOMContentLoaded", () => load().length && flush());
