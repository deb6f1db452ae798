// Key i shows or hides each frame's details: title, style, prompt, maker, when, and why
// the feed chose it (rendered in the frame itself, hidden by CSS until body.show-info).

import { onKey } from "./keys.js";

onKey(["i", "I"], () => {
  document.body.classList.toggle("show-info");
});
