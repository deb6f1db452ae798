from __future__ import annotations

from django.dispatch import Signal

# Sent after a batch of impressions is stored, when something listens: sender=None,
# user=..., artwork_ids=[UUID, ...].
# Lets other parts (metrics, live updates) react without impressions importing them.
impressions_recorded = Signal()
