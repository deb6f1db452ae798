from __future__ import annotations

import os

import django
from django.conf import settings

from artfeed.web.bodylimit import BodyLimit
from artfeed.web.handler import ArtfeedASGIHandler
from artfeed.web.threads import RequestThreads

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "artfeed.settings")
django.setup(set_prefix=False)
# Django's handler, serving synchronous views as a WSGI server would.
django_application = ArtfeedASGIHandler()
# In front of Django, which reads a whole body before anything else could refuse it.
# Each request's synchronous code on a thread kept from an earlier request.
application = BodyLimit(
    RequestThreads(django_application), limit=settings.ARTFEED_MAX_REQUEST_BODY
)
