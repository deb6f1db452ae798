"""The cutover an operator gives the admin's backfill: a date and a time in a time zone
of their choosing, one moment in UTC."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django import forms
from django.utils import timezone

MOMENT_FORMAT = "%Y-%m-%d %H:%M:%S"


@cache
def _zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def described(moment: datetime, zone: str) -> str:
    """``2025-01-31 01:00:00 Europe/Paris (2025-01-31 00:00:00 UTC)``; UTC alone once."""
    utc = f"{moment.astimezone(UTC):{MOMENT_FORMAT}} UTC"
    if zone == "UTC":
        return utc
    return f"{moment.astimezone(zoneinfo.ZoneInfo(zone)):{MOMENT_FORMAT}} {zone} ({utc})"


class CutoverForm(forms.Form):
    """The moment impression tracking began. It must lie in the past: everything existing
    would otherwise count as seen, live views included."""

    date = forms.DateField(
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Give the cutover's date.",
            "invalid": "Enter the date as YYYY-MM-DD.",
        },
    )
    time = forms.TimeField(
        input_formats=["%H:%M:%S", "%H:%M"],
        widget=forms.TimeInput(attrs={"type": "time", "step": "1"}, format="%H:%M:%S"),
        error_messages={
            "required": "Give the cutover's time (00:00 for midnight).",
            "invalid": "Enter the time as HH:MM or HH:MM:SS.",
        },
    )
    time_zone = forms.ChoiceField(
        choices=_zone_choices,
        error_messages={"invalid_choice": "%(value)s is not a time zone (e.g. Europe/Paris)."},
    )

    @classmethod
    def unbound(cls, *, moment: datetime | None, zone: str, **kwargs: Any) -> CutoverForm:
        """The form as first shown: ``moment`` (if any) told in ``zone``."""
        initial: dict[str, Any] = {"time_zone": zone}
        if moment is not None:
            local = moment.astimezone(zoneinfo.ZoneInfo(zone))
            initial.update(date=local.date(), time=local.time().replace(microsecond=0))
        return cls(initial=initial, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not {"date", "time", "time_zone"} <= data.keys():
            return data  # a field's own error says what is wrong
        zone = zoneinfo.ZoneInfo(data["time_zone"])
        wall = datetime.combine(data["date"], data["time"])
        moment = wall.replace(tzinfo=zone)
        if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
            raise forms.ValidationError(
                f"{wall:{MOMENT_FORMAT}} does not exist in {data['time_zone']} "
                "(the clocks skipped it): pick another time."
            )
        if moment > timezone.now():
            raise forms.ValidationError(
                f"The cutover {described(moment, data['time_zone'])} lies in the future: "
                "give the moment impression tracking began, which has passed."
            )
        data["cutover"] = moment.astimezone(UTC)
        return data

    @property
    def cutover(self) -> datetime:
        """The moment, in UTC (valid forms only)."""
        return self.cleaned_data["cutover"]

    @property
    def zone(self) -> str:
        return self.cleaned_data["time_zone"]
