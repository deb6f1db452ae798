// Live updates: the server announces each artwork this user makes, on any of their
// screens, as an "art-ready" Server-Sent Event carrying its id. This screen fetches the
// frame (GET /display/frame/<id>/, which leases it here) and hands it to display.js to
// show at once and pin ("artfeed:pin").
//
// Plain EventSource rather than the htmx SSE extension: the extension swaps an event's
// data into the page, but the data here is only an id and the frame must be fetched for
// this screen. EventSource already reconnects by itself and sends the last id it saw
// (Last-Event-ID), so the server replays what was missed while the connection was down.

const body = document.body;
const live = document.getElementById("live");
const ZERO_ID = "00000000-0000-0000-0000-000000000000";
const asked = new Set(); // ids already fetched here: a replay after a reconnect is not shown twice

function onScreen(id) {
  return [...document.querySelectorAll("#stage .frame")].some((f) => f.dataset.artworkId === id);
}

async function fetchFrame(id) {
  const params = new URLSearchParams({ screen: body.dataset.screen, dwell: body.dataset.dwell });
  const url = `${live.dataset.frameUrl.replace(ZERO_ID, id)}?${params}`;
  const response = await fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } });
  if (!response.ok) return; // gone, or no longer visible: nothing to show
  const template = document.createElement("template");
  template.innerHTML = (await response.text()).trim();
  // Imported into this document: an <img> inside a template's content never loads.
  const frame = document.importNode(template.content.firstElementChild, true);
  document.dispatchEvent(new CustomEvent("artfeed:pin", { detail: { element: frame } }));
}

function listen() {
  const source = new EventSource(live.dataset.streamUrl);
  // "listening" once the server listens for this user; gone while reconnecting.
  source.addEventListener("ready", () => (live.dataset.state = "listening"));
  source.addEventListener("error", () => delete live.dataset.state);
  // A newer screen of this user took this stream's place (ARTFEED_STREAMS_PER_USER): stay
  // off rather than reconnect and push out another screen in turn. Frames go on.
  source.addEventListener("replaced", () => {
    source.close();
    live.dataset.state = "replaced";
  });
  source.addEventListener("art-ready", (event) => {
    const id = event.data;
    // The screen that made it shows it already (the generate answer beat the event).
    if (asked.has(id) || onScreen(id)) return;
    asked.add(id);
    fetchFrame(id).catch(() => asked.delete(id));
  });
  return source;
}

if (live && window.EventSource) {
  let source = listen();
  // The watchdog (upkeep.js) found the page stuck: a connection that looks open but
  // carries nothing any more is replaced too (Last-Event-ID is lost, so the server
  // replays nothing; the frame loop catches up on what was made meanwhile).
  document.addEventListener("artfeed:recover", () => {
    source.close();
    source = listen();
  });
}
