// The display's service worker, scoped to the display (display/views/app.py fills in
// the release and its static files). A screen that reloads, or starts cold after a
// power cut, while the server or the network is down opens on the frames it saved
// instead of an error page.
//
// Online nothing changes: the display page, its static files and the artworks' images
// go to the network first (the browser's HTTP cache answers as before, the page stays
// no-cache, a release reload gets the new page), and everything else is not touched at
// all. Only when the network fails, or the server answers 5xx, does the worker answer
// from what it kept: the last display page, marked "offline" so that offline.js shows
// the saved frames at once; the release's static files; the saved frames' images
// (offline.js keeps those in the artfeed-frames cache as frames are shown).
//
// A new release is a new worker (the browser compares this script's bytes): it keeps
// that release's files under a new name and drops the old. A display page that answers
// with a redirect (logged out, to the login page) drops everything.

const RELEASE = {{ release|safe }};
const STATIC_FILES = {{ static_files|safe }};
const DISPLAY = {{ display|safe }};
const SHELL = `artfeed-shell-${RELEASE}`;
const STATIC = new Set(STATIC_FILES);
const IMAGE = /^\/artworks\/[0-9a-f-]+\/image$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(STATIC_FILES))
      .then(() => self.skipWaiting()), // a new release takes over without waiting
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((n) => n.startsWith("artfeed-shell-") && n !== SHELL).map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin) return;
  if (request.mode === "navigate" && url.pathname === DISPLAY) {
    event.respondWith(page(request));
  } else if (STATIC.has(url.pathname) || IMAGE.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});

async function page(request) {
  const response = await fetch(request).catch(() => null);
  if (response && response.status < 500) {
    // Navigations do not follow redirects here: one is the login page's, logged out.
    if (response.type === "opaqueredirect") await forgetAll();
    else if (response.ok) await (await caches.open(SHELL)).put(DISPLAY, response.clone());
    return response;
  }
  const kept = await caches.match(DISPLAY, { cacheName: SHELL });
  if (!kept) return response ?? Response.error();
  const html = (await kept.text()).replace('<body class="', '<body class="offline ');
  return new Response(html, { headers: kept.headers });
}

async function networkFirst(request) {
  const response = await fetch(request).catch(() => null);
  if (response && response.status < 500) return response;
  return (await caches.match(request)) ?? response ?? Response.error();
}

async function forgetAll() {
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith("artfeed-")).map((n) => caches.delete(n)));
}
