// The corner clock (?clock=1): the device's own local time, turned at each minute's edge.
const clock = document.getElementById("clock");
const pad = (n) => String(n).padStart(2, "0");
function tick() {
  const now = new Date();
  clock.textContent = clock.dateTime = `${pad(now.getHours())}:${pad(now.getMinutes())}`;
  // Timers drift and sleep in background tabs: aim at the next minute afresh each time.
  setTimeout(tick, 60_000 - now.getSeconds() * 1000 - now.getMilliseconds());
}
if (clock) tick();
