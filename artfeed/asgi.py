from __future__ import annotations

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

from artfeed.web.bodylimit import BodyLimit
from artfeed.web.threads import RequestThreads

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "artfeed.settings")
django_application = get_asgi_application()
# In front of Django, which reads a whole body before anything else could refuse it.
# Each request's synchronous code on a thread kept from an earlier request.
application = BodyLimit(
    RequestThreads(django_application), limit=settings.ARTFEED_MAX_REQUEST_BODY
)
