// The impression recorder. A frame counts as seen only when it passes the viewability
// bar (MRC/IAB): its image decoded, the tab visible, at least half of it in view, for
// ARTFEED_VIEWABLE_MS without a break. Seen ids are queued, deduplicated and flushed
// in batches to POST /api/impressions/.

const body = document.body;
const viewableMs = Number(body.dataset.viewableMs);
const url = body.dataset.impressionsUrl;
const batchMax = Number(body.dataset.batchMax);
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const DEBOUNCE_MS = 400;

let watched = null; // { id, element, inView, timer, done }
const queue = new Set();
let flushTimer = null;

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

// Start or stop the continuous-view clock: any break (tab hidden, scrolled away)
// resets it, so a glance does not count.
function evaluate() {
  const w = watched;
  if (!w || w.done) return;
  const viewable = w.inView && document.visibilityState === "visible";
  if (viewable && !w.timer) {
    w.timer = setTimeout(() => {
      w.done = true;
      observer.unobserve(w.element);
      enqueue(w.id);
    }, viewableMs);
  } else if (!viewable && w.timer) {
    clearTimeout(w.timer);
    w.timer = null;
  }
}

function watch(element) {
  if (watched) {
    clearTimeout(watched.timer);
    observer.unobserve(watched.element);
  }
  watched = { id: element.dataset.artworkId, element, inView: false, timer: null, done: false };
  observer.observe(element);
}

function enqueue(id) {
  queue.add(id);
  clearTimeout(flushTimer);
  flushTimer = setTimeout(flush, queue.size >= batchMax ? 0 : DEBOUNCE_MS);
}

async function flush() {
  const ids = [...queue].slice(0, batchMax);
  if (!ids.length) return;
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
    body: JSON.stringify({ artwork_ids: ids }),
    credentials: "same-origin",
  }).catch(() => null);
  if (response && response.ok) {
    for (const id of ids) queue.delete(id);
    // Lets regions that depend on what was seen refresh themselves (hx-trigger).
    body.dispatchEvent(new CustomEvent("impressionsRecorded", { bubbles: true, detail: { ids } }));
    if (queue.size) enqueue([...queue][0]);
  }
}

document.addEventListener("artfeed:frameshown", (event) => watch(event.detail.element));
// The first frame may have been announced before this module ran.
const alreadyShown = document.querySelector("#stage .frame[data-shown]");
if (alreadyShown) watch(alreadyShown);
document.addEventListener("visibilitychange", evaluate);
