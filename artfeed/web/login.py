"""Logging in, with failed attempts rate-limited (artfeed/web/throttle.py): the site's login
page and the admin's share the same counter."""

from __future__ import annotations

import math

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse
from django.utils import timezone

from artfeed.web.throttle import clear_login_failures, login_locked_until, record_login_failure


class ThrottledLoginMixin:
    """For AuthenticationForm and its subclasses: a pair that failed too often is told
    to wait, even with the right password, until its window has passed."""

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        until = login_locked_until(username=username, address=address)
        if until is not None:
            minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
            raise ValidationError(
                f"Too many failed logins for this user from your address. "
                f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
                code="throttled",
                params={"until": until},
            )
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                record_login_failure(username=username, address=address)
            raise
        clear_login_failures(username=username, address=address)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    """Django's login page; a throttled attempt is answered 429 with Retry-After."""

    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        throttled = [
            error
            for error in form.errors.as_data().get(NON_FIELD_ERRORS, [])
            if error.code == "throttled"
        ]
        if throttled:
            wait = (throttled[0].params["until"] - timezone.now()).total_seconds()
            response.status_code = 429
            response["Retry-After"] = str(max(1, math.ceil(wait)))
        return response
