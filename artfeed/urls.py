from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from artfeed.views import artwork_image
from artfeed.web import csp, metrics
from artfeed.web.login import LoginView
from artfeed.web.views import healthz

handler400 = "artfeed.web.views.bad_request"
handler500 = "artfeed.web.outage.server_error_view"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="display:page"), name="home"),
    path("healthz", healthz, name="healthz"),
    path("csp-report/", csp.report, name="csp-report"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("artworks/<uuid:pk>/image", artwork_image, name="artwork-image"),
    path("artworks/", include("display.artwork_urls")),
    path("display/", include("display.urls")),
    path("api/", include("impressions.urls")),
    path("admin/", admin.site.urls),
    path("metrics", metrics.metrics, name="metrics"),
]
