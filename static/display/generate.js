// The generate overlay: key g (or the Generate button) opens it, Escape closes it. The
// form comes from GET /display/generate/ on each opening, so its "12 of 100 today" is
// current. It posts with htmx; while it works the form shows "Making it…" and the
// current frame stays. The answer, the new frame, lands in #generated and is handed to
// display.js ("artfeed:pin"), which shows it at once and pins it. A refusal (400 a bad
// field, 429 the daily quota, 502 the image service) comes back as the form with its
// message, retargeted by the server to the overlay; htmx is told to swap it in.

import { onKey } from "./keys.js";

const body = document.body;
const overlay = document.getElementById("generate-overlay");
const generated = document.getElementById("generated");

function open() {
  if (!overlay.hidden) return;
  overlay.hidden = false;
  body.classList.add("generating");
  htmx
    .ajax("GET", overlay.dataset.url, { target: overlay, swap: "innerHTML" })
    .then(() => overlay.querySelector("[name=prompt]")?.focus());
}

function close() {
  overlay.hidden = true;
  body.classList.remove("generating");
  document.activeElement?.blur();
}

onKey(["g", "G"], open);
onKey(
  ["Escape"],
  () => {
    if (overlay.hidden) return false;
    close();
  },
  { inFields: true },
);
onKey(
  ["Enter"],
  (event) => {
    // Enter in the prompt submits; Shift+Enter starts a new line.
    if (event.shiftKey || !event.target.matches("#generate-prompt")) return false;
    event.target.form.requestSubmit();
  },
  { inFields: true },
);

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-generate-open]")) {
    open();
  } else if (event.target.closest("[data-generate-close]")) {
    event.preventDefault();
    close();
  }
});

// The server leases the new frame to the screen that asked, for its dwell.
overlay.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "post") return;
  event.detail.parameters.screen = body.dataset.screen;
  event.detail.parameters.dwell = body.dataset.dwell;
});

// htmx fires beforeSwap on the form's target (#generated), so listen above both; a
// refusal is the one the server retargeted to the overlay.
body.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.target === overlay && [400, 429, 502].includes(event.detail.xhr.status)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// No answer at all (network down, server gone): say so in the form, change nothing else.
function unreachable(event) {
  const status = event.detail.xhr?.status;
  if (status && [400, 429, 502].includes(status)) return;
  const message = overlay.querySelector(".generate-error");
  if (message) message.textContent = "The server could not be reached; try again in a moment.";
}
overlay.addEventListener("htmx:sendError", unreachable);
overlay.addEventListener("htmx:responseError", unreachable);

generated.addEventListener("htmx:afterSwap", () => {
  const frame = generated.firstElementChild;
  if (!frame) return;
  frame.remove();
  close();
  document.dispatchEvent(new CustomEvent("artfeed:pin", { detail: { element: frame } }));
});
