// Offline frames: the last frames this screen showed, images included, are kept so that
// when the server or the network cannot be reached the display goes on cycling through
// them, with a discreet "offline" mark, instead of freezing on one. The live feed
// resumes by itself: display.js keeps asking every dwell, and the first answer clears
// the mark.
//
// They are kept in memory and in the Cache Storage ("artfeed-frames"), where the
// display's service worker (display/views/app.py) finds their images; it also keeps the
// page itself, so a reload or a cold start during an outage opens on them: that page
// comes marked "offline" (the class on <body>) and shows a saved frame at once.
//
// A saved frame shown again is really on screen, so the recorder treats it like any
// other: its view is queued and sent once the server is back (the server only moves
// that artwork's viewed_at forward). A frame that was never shown is never queued.

const body = document.body;
const upNext = document.getElementById("up-next");
const KEEP = 8; // frames, each with its image as a Blob (most art is well under 1 MB)
const FRAMES = "artfeed-frames";
const INDEX = new URL("saved-frames", new URL(body.dataset.displayUrl, location.href)).href;
const saved = []; // { id, html, src, url }, oldest first (url: the image's blob: URL)
let next = 0; // the saved frame to show at the next failed request

// Cache Storage and service workers exist in secure contexts only (HTTPS, localhost):
// elsewhere the frames live in this page's memory alone.
const storage = globalThis.caches ? caches.open(FRAMES).catch(() => null) : Promise.resolve(null);

// The frames an earlier page saved, oldest first, before this page adds its own.
const restored = (async () => {
  const cache = await storage;
  const index = await cache?.match(INDEX);
  for (const { id, html, src } of index ? await index.json() : []) {
    const image = await cache.match(src);
    if (image) saved.push({ id, html, src, url: URL.createObjectURL(await image.blob()) });
  }
})().catch(() => {});

// A frame from the server, once on screen: keep a copy, its image from the browser's
// cache (image answers are immutable for a year, so this costs no request).
document.addEventListener("artfeed:frameshown", (event) => save(event.detail.element));
// The first frame may have been announced before this module ran.
const alreadyShown = document.querySelector("#stage .frame[data-shown]");
if (alreadyShown) save(alreadyShown);

async function save(frame) {
  const img = frame.querySelector("img");
  const id = frame.dataset.artworkId;
  await restored;
  if (!img || "offline" in frame.dataset || saved.some((entry) => entry.id === id)) return;
  const src = img.currentSrc || img.src;
  let blob;
  try {
    const response = await fetch(src, { cache: "force-cache", credentials: "same-origin" });
    if (!response.ok) return;
    blob = await response.blob();
  } catch {
    return;
  }
  if (saved.some((entry) => entry.id === id)) return; // saved meanwhile
  const copy = frame.cloneNode(true);
  for (const state of ["shown", "viewed", "pinMs"]) delete copy.dataset[state];
  copy.className = "frame";
  saved.push({ id, html: copy.outerHTML, src, url: URL.createObjectURL(blob) });
  const gone = saved.length > KEEP ? saved.shift() : null;
  if (gone) URL.revokeObjectURL(gone.url);
  persist(src, blob, gone?.src);
}

async function persist(src, blob, goneSrc) {
  const cache = await storage;
  if (!cache) return;
  try {
    await cache.put(src, new Response(blob, { headers: { "Content-Type": blob.type } }));
    if (goneSrc) await cache.delete(goneSrc);
    const index = saved.map(({ id, html, src }) => ({ id, html, src }));
    await cache.put(INDEX, Response.json(index));
  } catch {
    // Over the storage quota: the frames in memory still serve this page.
  }
}

// The server did not answer (no network, refused, a 5xx): show the next saved frame
// that is not on screen, as display.js shows a pushed one ("artfeed:pin", for no
// longer than the dwell).
function unreachable() {
  body.classList.add("offline");
  const current = document.querySelector("#stage .frame:not(.leaving)")?.dataset.artworkId;
  const choices = saved.filter((entry) => entry.id !== current);
  if (!choices.length) return;
  const entry = choices[next++ % choices.length];
  const template = document.createElement("template");
  template.innerHTML = entry.html;
  const frame = template.content.firstElementChild;
  frame.dataset.offline = "";
  frame.querySelector("img").src = entry.url;
  document.dispatchEvent(new CustomEvent("artfeed:pin", { detail: { element: document.importNode(frame, true) } }));
}

upNext.addEventListener("htmx:sendError", unreachable);
upNext.addEventListener("htmx:afterRequest", (event) => {
  const status = event.detail.xhr.status;
  if (status >= 500) unreachable();
  else if (status) body.classList.remove("offline");
});

// This page came from the service worker, the server unreachable: a saved frame now,
// rather than after a dwell on whatever the saved page held.
if (body.classList.contains("offline")) restored.then(unreachable);

// The service worker, for the next reload. Logging out forgets what it and this module
// kept: the next person at this screen must not see the last one's frames.
if (navigator.serviceWorker) {
  navigator.serviceWorker.register(body.dataset.serviceWorkerUrl, { scope: body.dataset.displayUrl }).catch(() => {});
}
document.querySelector(".hud-logout")?.addEventListener("submit", async (event) => {
  if (!globalThis.caches) return;
  event.preventDefault();
  try {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("artfeed-")).map((name) => caches.delete(name)));
    await (await navigator.serviceWorker?.getRegistration(body.dataset.displayUrl))?.unregister();
  } finally {
    event.target.submit(); // logging out matters more than tidying up
  }
});
