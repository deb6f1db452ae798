// Keeping an unattended screen healthy for weeks: a watchdog for a loop that stopped,
// and a reload, at a frame boundary, when the server runs a new release.
//
// Watchdog: the loop is alive while frames appear or the server answers for the next
// one (204, "nothing new", is an answer too). After WATCHDOG_DWELLS dwells of neither,
// display.js is told to let go of whatever holds it and ask again ("artfeed:recover");
// one more such stretch and the page reloads, but only when the server answers: a
// reload during an outage would trade saved frames (offline.js) for an error page.
// Every recovery is reported to the server (POST /display/recoveries/); a reload's
// report is sent by the page that comes back.
//
// Upgrades: every answer names the server's release (X-Artfeed-Release). When it is not
// the page's own, the page reloads once the next frame has decoded, in place of its
// crossfade, or at the end of the dwell when there is nothing new; the new page opens
// on that same frame (the screen's lease keeps it). It reloads once per release, so a
// fleet of servers half way through an upgrade cannot keep it reloading.

import { csrfToken } from "./csrf.js";

const body = document.body;
const upNext = document.getElementById("up-next");
const dwellMs = Number(body.dataset.dwell) * 1000;
const release = body.dataset.release;
const WATCHDOG_DWELLS = 3;
// Beyond the dwells: a crossfade, the recorder's bounded flush before each request
// (display.js), a slow answer.
const SLACK_MS = Number(body.dataset.fade) + 5000 + 3000;
const limitMs = WATCHDOG_DWELLS * dwellMs + SLACK_MS;
const REPORT_STORE = "artfeed.recovery"; // a reload's report, sent by the next page
const RELEASE_STORE = "artfeed.reloadedFor";

// Come back on the release it reloaded for: a later upgrade, or a rollback, reloads again.
if (sessionStorage.getItem(RELEASE_STORE) === release) sessionStorage.removeItem(RELEASE_STORE);

let lastAlive = Date.now();
let retried = false;
let lastError = "";
let upgrade = null;

function alive() {
  lastAlive = Date.now();
  retried = false;
}

document.addEventListener("artfeed:frameshown", alive);
upNext.addEventListener("htmx:afterRequest", (event) => {
  const xhr = event.detail.xhr;
  if (xhr.status !== 200 && xhr.status !== 204) return;
  alive();
  const theirs = xhr.getResponseHeader("X-Artfeed-Release");
  if (theirs && theirs !== release && sessionStorage.getItem(RELEASE_STORE) !== theirs) {
    upgrade = theirs;
    if (xhr.status === 204) upgradeNow(); // the frame on screen stays: its dwell is over
  }
});
document.addEventListener("artfeed:frameready", (event) => {
  if (upgrade) {
    event.preventDefault();
    upgradeNow();
  }
});

function upgradeNow() {
  sessionStorage.setItem(RELEASE_STORE, upgrade);
  location.reload();
}

// What broke, for the report: the loop's handlers run in event callbacks, so their
// errors surface here rather than stopping the page.
addEventListener("error", (event) => (lastError = String(event.message)));
addEventListener("unhandledrejection", (event) => (lastError = String(event.reason)));

setInterval(async () => {
  // Paused by the viewer, asleep for the night (sleep.js), or hidden (timers are
  // throttled, nothing is on screen): not stuck.
  const still = body.classList.contains("paused") || body.classList.contains("asleep");
  if (still || document.visibilityState !== "visible") alive();
  const stalledMs = Date.now() - lastAlive;
  if (stalledMs < limitMs) return;
  const report = {
    screen: body.dataset.screen,
    reason: lastError ? "error" : "stalled",
    stalled_ms: stalledMs,
    detail: lastError,
  };
  lastError = "";
  if (!retried) {
    retried = true;
    lastAlive = Date.now(); // the next stretch starts now
    send({ ...report, action: "retry" });
    document.dispatchEvent(new CustomEvent("artfeed:recover"));
  } else if (await serverAnswers()) {
    sessionStorage.setItem(REPORT_STORE, JSON.stringify({ ...report, action: "reload" }));
    location.reload();
  } else {
    alive(); // unreachable: saved frames go on; the next stretch tries again
  }
}, 1000);

async function serverAnswers() {
  try {
    return (await fetch(body.dataset.healthUrl, { cache: "no-store" })).ok;
  } catch {
    return false;
  }
}

function send(report) {
  fetch(body.dataset.recoveriesUrl, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-CSRFToken": csrfToken(),
    },
    body: JSON.stringify(report),
    credentials: "same-origin",
  }).catch(() => {}); // a report lost with the network is not worth a queue
}

const pending = sessionStorage.getItem(REPORT_STORE);
if (pending) {
  sessionStorage.removeItem(REPORT_STORE);
  send(JSON.parse(pending));
}
