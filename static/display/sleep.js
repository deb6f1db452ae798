// Sleeps at night (?sleep=23:00-07:00, loaded only for a screen that has a period): from
// the start to the end time, in this device's own time zone, the screen goes dark (a
// dim clock with ?clock=1). display.js asks for no frame meanwhile, the frame is out of
// view so the recorder counts nothing, and awake.js lets the wake lock go: they follow
// the "asleep" class on <body> and the "artfeed:sleep" / "artfeed:wake" events.
//
// At the end it wakes with a fresh frame. A key or a click wakes it early, until the
// next period begins; that key or click does nothing else.

const body = document.body;
const [start, end] = body.dataset.sleep.split("-").map((hhmm) => {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
});
const CHECK_MS = 1000; // timers drift and stall in a sleeping device: look afresh often

let wokenFor = null; // the start (ms) of the period a viewer woke the screen from

// When the period around `now` began (ms since the epoch), or null outside one. The
// device's local time: Date's hours and minutes follow its time zone and its clock
// changes.
function periodStart(now) {
  const minutes = now.getHours() * 60 + now.getMinutes();
  const began = new Date(now);
  began.setHours(Math.floor(start / 60), start % 60, 0, 0);
  if (start < end) return minutes >= start && minutes < end ? began.getTime() : null;
  if (minutes >= start) return began.getTime();
  if (minutes < end) return began.setDate(began.getDate() - 1); // began yesterday evening
  return null;
}

function asleep() {
  return body.classList.contains("asleep");
}

function check() {
  const period = periodStart(new Date());
  const due = period !== null && period !== wokenFor;
  if (due && !asleep()) {
    body.classList.add("asleep");
    document.dispatchEvent(new CustomEvent("artfeed:sleep"));
  } else if (!due && asleep()) {
    wake();
  }
}

function wake() {
  body.classList.remove("asleep");
  document.dispatchEvent(new CustomEvent("artfeed:wake"));
}

// A viewer is there: wake now, and stay awake until the next period. Captured on the
// window, before the display's own key handlers, so the key that wakes it does no more.
function early(event) {
  if (!asleep()) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  wokenFor = periodStart(new Date());
  wake();
}
addEventListener("keydown", early, { capture: true });
addEventListener("click", early, { capture: true });

check();
setInterval(check, CHECK_MS);
