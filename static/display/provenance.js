// Key i shows or hides each frame's details: title, style, prompt, maker, when, and why
// the feed chose it (rendered in the frame itself, hidden by CSS until body.show-info).

document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea, select")) return;
  if (event.key === "i" || event.key === "I") {
    event.preventDefault();
    document.body.classList.toggle("show-info");
  }
});
