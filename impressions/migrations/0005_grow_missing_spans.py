"""Every user with impressions gets a seen span again (``impressions.spans``).

Migration ``0003_seen_span_holes`` dropped the spans built under the old claim and left
each user's next batch of impressions to grow a new one; until then the feed probed
their whole history for every frame (47 times a new user's next frame for a heavy user,
docs/benchmarks.md). This grows them all now, each from the newest artwork the user has
seen, one walk of their history each.

It calls the app's own grow (``grow_missing_spans``) rather than a frozen copy: the span
is a cache of impressions, built by the code that reads it, and on a new database there
is nothing to grow. Should a later migration change a table the walk reads, freeze a
copy of today's walk here.
"""

from django.db import migrations


def grow(apps, schema_editor):
    from impressions.spans import grow_missing_spans

    grow_missing_spans()


class Migration(migrations.Migration):
    # Each user's span grows in a transaction of its own (``seed_seen_span``), so the span
    # lock is held for one user's walk at a time, not for the whole migration: servers
    # still running during a deploy keep writing artworks and impressions meanwhile.
    atomic = False

    dependencies = [
        ("impressions", "0004_impression_source_reloaded"),
    ]

    operations = [
        migrations.RunPython(grow, migrations.RunPython.noop, elidable=True),
    ]
