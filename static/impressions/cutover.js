// The backfill's cutover, first told in the operator's own time zone.
//
// The server knows only its own zone, so the page first shows the cutover there (UTC by
// default). When the form has not been sent back yet, this moves the zone to the
// browser's and retells the same moment in it: the date and the time change, the moment
// (and so the preview's counts) does not. Once the operator has sent the form, what they
// chose stays as it is.
const form = document.getElementById("cutover-form");
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const select = form?.querySelector("select[name='cutover-time_zone']");
const known = select && Array.from(select.options).some((option) => option.value === zone);

if (form?.dataset.fresh === "1" && known && select.value !== zone) {
  select.value = zone;
  if (form.dataset.moment) {
    // en-CA writes dates as YYYY-MM-DD; h23 keeps midnight at 00, as <input type=time> wants.
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-CA", {
        timeZone: zone,
        year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
      })
        .formatToParts(new Date(form.dataset.moment))
        .map((part) => [part.type, part.value]),
    );
    form.querySelector("input[name='cutover-date']").value = `${parts.year}-${parts.month}-${parts.day}`;
    form.querySelector("input[name='cutover-time']").value = `${parts.hour}:${parts.minute}:${parts.second}`;
  }
}
