// Stay awake: left alone, a tablet or a laptop dims and locks its screen after a few
// minutes. While frames are on screen and the display is neither paused (space) nor
// asleep (?sleep=, sleep.js), the page holds a Screen Wake Lock.
//
// The browser drops the lock by itself whenever the tab is hidden (and the sentinel
// fires "release"), so it is asked for again each time the tab becomes visible. Where
// the API is missing or the request is refused (no secure context, a battery saver, a
// policy), the screen says so once to the server, for the screens page; and says so
// again once it holds a lock after all.
//
// body.dataset.wakeLock tells the state: "held", "released" or "unavailable".

import { csrfToken } from "./csrf.js";

const body = document.body;
let lock = null; // the WakeLockSentinel while held
let asking = false;
let problem = body.dataset.wakeLockProblem ?? ""; // what the server last heard

function wanted() {
  return (
    document.visibilityState === "visible" &&
    !body.classList.contains("paused") &&
    !body.classList.contains("asleep") &&
    document.querySelector("#stage .frame") !== null
  );
}

async function update() {
  if (wanted()) {
    if (!lock && !asking) await take();
  } else if (lock) {
    const held = lock;
    lock = null;
    body.dataset.wakeLock = "released";
    await held.release().catch(() => {});
  }
}

async function take() {
  if (!navigator.wakeLock) return unavailable("this browser has no Screen Wake Lock API");
  asking = true;
  try {
    const sentinel = await navigator.wakeLock.request("screen");
    asking = false;
    // The browser let go of it (the tab was hidden): note it; visibility brings it back.
    sentinel.addEventListener("release", () => {
      if (lock !== sentinel) return;
      lock = null;
      body.dataset.wakeLock = "released";
    });
    lock = sentinel;
    body.dataset.wakeLock = "held";
    report("");
    update(); // paused or hidden while the request was pending: let it go again
  } catch (error) {
    asking = false;
    unavailable(`${error.name}: ${error.message}`);
  }
}

function unavailable(reason) {
  body.dataset.wakeLock = "unavailable";
  report(reason);
}

function report(reason) {
  if (reason === problem) return;
  problem = reason;
  fetch(body.dataset.wakeLockUrl, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-CSRFToken": csrfToken(),
    },
    body: JSON.stringify({ screen: body.dataset.screen, problem: reason }),
    credentials: "same-origin",
  }).catch(() => {}); // lost with the network: the next page says it again
}

document.addEventListener("visibilitychange", update);
document.addEventListener("artfeed:frameshown", update);
// Pausing and sleeping show as classes on <body>: follow them rather than each module.
// (Other classes change on every mouse move; a refused request waits for the next frame.)
const stillness = () => `${body.classList.contains("paused")} ${body.classList.contains("asleep")}`;
let last = stillness();
new MutationObserver(() => {
  if (stillness() === last) return;
  last = stillness();
  update();
}).observe(body, { attributes: true, attributeFilter: ["class"] });
update();
