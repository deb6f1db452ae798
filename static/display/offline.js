// Offline frames: the last frames this screen showed, images included, are kept in
// memory so that when the server or the network cannot be reached the display goes on
// cycling through them, with a discreet "offline" mark, instead of freezing on one.
// The live feed resumes by itself: display.js keeps asking every dwell, and the first
// answer clears the mark.
//
// A saved frame shown again is really on screen, so the recorder treats it like any
// other: its view is queued and sent once the server is back (the server only moves
// that artwork's viewed_at forward). A frame that was never shown is never queued.

const body = document.body;
const upNext = document.getElementById("up-next");
const KEEP = 8; // frames, each with its image as a Blob (most art is well under 1 MB)
const saved = []; // { id, html, url }, oldest first
let next = 0; // the saved frame to show at the next failed request

// A frame from the server, once on screen: keep a copy, its image from the browser's
// cache (image answers are immutable for a year, so this costs no request).
document.addEventListener("artfeed:frameshown", async (event) => {
  const frame = event.detail.element;
  const img = frame.querySelector("img");
  const id = frame.dataset.artworkId;
  if (!img || "offline" in frame.dataset || saved.some((entry) => entry.id === id)) return;
  let blob;
  try {
    const response = await fetch(img.currentSrc || img.src, { cache: "force-cache", credentials: "same-origin" });
    if (!response.ok) return;
    blob = await response.blob();
  } catch {
    return;
  }
  const copy = frame.cloneNode(true);
  for (const state of ["shown", "viewed", "pinMs"]) delete copy.dataset[state];
  copy.className = "frame";
  saved.push({ id, html: copy.outerHTML, url: URL.createObjectURL(blob) });
  if (saved.length > KEEP) URL.revokeObjectURL(saved.shift().url);
});

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
