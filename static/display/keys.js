// The display's keys, handled in one place (the HUD's help line lists them). A key typed
// in a field (the generate prompt) is text, not a command, unless its binding says
// otherwise; a key held with Ctrl or ⌘ belongs to the browser (Ctrl+F finds, Ctrl+L
// goes to the address bar).

const bindings = new Map();

// Calls handler(event) for each of the keys (KeyboardEvent.key values). A handler that
// returns false did nothing this time, and the key keeps its default action.
export function onKey(keys, handler, { inFields = false } = {}) {
  for (const key of keys) bindings.set(key, { handler, inFields });
}

document.addEventListener("keydown", (event) => {
  const binding = bindings.get(event.key);
  if (!binding || event.ctrlKey || event.metaKey) return;
  if (!binding.inFields && event.target.closest("input, textarea, select")) return;
  if (binding.handler(event) !== false) event.preventDefault();
});
