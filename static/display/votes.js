// Likes and dislikes of the frame on screen: the ▲/▼ buttons in its details panel, or
// the ↑/↓ keys. POST /artworks/<id>/vote/ with value 1 or -1 (the same again takes the
// vote back: value 0). A disliked frame never returns, and the display moves on at once
// ("artfeed:skip" to display.js).

import { csrfToken } from "./csrf.js";
import { onKey } from "./keys.js";

function currentFrame() {
  const frames = document.querySelectorAll("#stage .frame:not(.leaving)");
  return frames[frames.length - 1] || null;
}

async function vote(frame, value) {
  const url = frame.querySelector("[data-vote-url]")?.dataset.voteUrl;
  if (!url) return;
  const cleared = frame.dataset.voted === String(value);
  const sent = cleared ? 0 : value;
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({ value: sent }),
    credentials: "same-origin",
  }).catch(() => null);
  if (!response || !response.ok) return;
  frame.dataset.voted = String(sent);
  if (sent === -1) document.dispatchEvent(new CustomEvent("artfeed:skip"));
}

onKey(["ArrowUp", "ArrowDown"], (event) => {
  const frame = currentFrame();
  if (!frame) return false;
  vote(frame, event.key === "ArrowUp" ? 1 : -1);
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-vote]");
  const frame = button?.closest(".frame");
  if (frame) vote(frame, Number(button.dataset.vote));
});
