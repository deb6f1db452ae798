"""Seen spans become a structure the database keeps true (``impressions.models.SeenSpan``).

Spans no longer expire (``seen_since`` goes): their claim is now "seen at or after it was
created", and what may break it is recorded, as it happens, by the triggers below, on
SQLite and PostgreSQL alike, whoever writes (the ORM, a bulk update, raw SQL, another
process). Existing spans were built under the old claim: they are dropped, and each
user's next batch of impressions grows a new one.

The SQL lives here, not in a module: a migration must keep doing what it did.
SQLite rebuilds a table to alter it, which drops its triggers: a later migration that
alters ``artfeed_artwork``, ``impressions_impression`` or ``impressions_seenspan`` on
SQLite must create them again (``tests/impressions/test_span_triggers.py`` checks they
are there).
"""

from django.conf import settings
from django.db import migrations, models

# Held (exclusive) by a write that may break a span, (shared) by a batch growing one: so a
# span is never grown over an artwork or impression change that has not committed yet.
# PostgreSQL only; SQLite runs one writer at a time.
SPAN_LOCK = 7261746604

# An artwork became visible with this created_at: a hole in every span that covers it,
# of every user who may see it and has no impression of it viewed since its creation.
ARTWORK_SHOWN = """
    {insert} impressions_spanhole (user_id, artwork_id)
    SELECT s.user_id, NEW.id FROM impressions_seenspan s
    WHERE s.newest >= NEW.created_at AND s.oldest <= NEW.created_at
      AND (NEW.is_public OR s.user_id = NEW.created_by_id)
      AND NOT EXISTS (SELECT 1 FROM impressions_impression i
                      WHERE i.user_id = s.user_id AND i.artwork_id = NEW.id
                        AND i.viewed_at >= NEW.created_at)
    {on_conflict};"""

# An impression was deleted, or its view moved back: a hole if its artwork lies in the
# user's span.
IMPRESSION_LOST = """
    {insert} impressions_spanhole (user_id, artwork_id)
    SELECT s.user_id, a.id FROM impressions_seenspan s, artfeed_artwork a
    WHERE s.user_id = OLD.user_id AND a.id = OLD.artwork_id
      AND a.created_at >= s.oldest AND a.created_at <= s.newest
    {on_conflict};"""

SPAN_DROPPED = "DELETE FROM impressions_spanhole WHERE user_id = OLD.user_id;"

ARTWORK_CHANGED = (
    "(NEW.is_public AND NOT OLD.is_public) OR NEW.created_at <> OLD.created_at"
    " OR NEW.created_by_id IS {distinct} OLD.created_by_id"
)
IMPRESSION_CHANGED = (
    "NEW.viewed_at < OLD.viewed_at OR NEW.user_id <> OLD.user_id"
    " OR NEW.artwork_id <> OLD.artwork_id"
)

SQLITE = [
    f"""CREATE TRIGGER impressions_span_artwork_inserted AFTER INSERT ON artfeed_artwork
        BEGIN {ARTWORK_SHOWN} END""",
    f"""CREATE TRIGGER impressions_span_artwork_changed
        AFTER UPDATE OF is_public, created_at, created_by_id ON artfeed_artwork
        WHEN {ARTWORK_CHANGED.format(distinct="NOT")} BEGIN {ARTWORK_SHOWN} END""",
    f"""CREATE TRIGGER impressions_span_impression_deleted AFTER DELETE ON impressions_impression
        BEGIN {IMPRESSION_LOST} END""",
    f"""CREATE TRIGGER impressions_span_impression_changed
        AFTER UPDATE OF viewed_at, user_id, artwork_id ON impressions_impression
        WHEN {IMPRESSION_CHANGED} BEGIN {IMPRESSION_LOST} END""",
    f"""CREATE TRIGGER impressions_span_deleted AFTER DELETE ON impressions_seenspan
        BEGIN {SPAN_DROPPED} END""",
]
SQLITE = [s.format(insert="INSERT OR IGNORE INTO", on_conflict="") for s in SQLITE]

_PLPGSQL = """CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {body}
        RETURN NULL;
    END $$"""
_LOCK = f"PERFORM pg_advisory_xact_lock({SPAN_LOCK});"
_PG_UPSERT = {"insert": "INSERT INTO", "on_conflict": "ON CONFLICT (user_id, artwork_id) DO NOTHING"}

POSTGRESQL = [
    _PLPGSQL.format(name="impressions_span_lock", body=_LOCK),
    _PLPGSQL.format(
        name="impressions_span_artwork_shown", body=_LOCK + ARTWORK_SHOWN.format(**_PG_UPSERT)
    ),
    _PLPGSQL.format(
        name="impressions_span_impression_lost", body=_LOCK + IMPRESSION_LOST.format(**_PG_UPSERT)
    ),
    _PLPGSQL.format(name="impressions_span_dropped", body=SPAN_DROPPED),
    # The lock is taken before the statement touches a row, so a writer never holds a
    # row that a batch waiting for the lock would need (no deadlock); the row triggers
    # take it again (a no-op then) for the writes that come without it.
    """CREATE TRIGGER impressions_span_lock_artworks BEFORE INSERT OR UPDATE ON artfeed_artwork
        FOR EACH STATEMENT EXECUTE FUNCTION impressions_span_lock()""",
    """CREATE TRIGGER impressions_span_lock_impressions BEFORE DELETE ON impressions_impression
        FOR EACH STATEMENT EXECUTE FUNCTION impressions_span_lock()""",
    """CREATE TRIGGER impressions_span_artwork_inserted AFTER INSERT ON artfeed_artwork
        FOR EACH ROW EXECUTE FUNCTION impressions_span_artwork_shown()""",
    f"""CREATE TRIGGER impressions_span_artwork_changed
        AFTER UPDATE OF is_public, created_at, created_by_id ON artfeed_artwork FOR EACH ROW
        WHEN ({ARTWORK_CHANGED.format(distinct="DISTINCT FROM")})
        EXECUTE FUNCTION impressions_span_artwork_shown()""",
    """CREATE TRIGGER impressions_span_impression_deleted AFTER DELETE ON impressions_impression
        FOR EACH ROW EXECUTE FUNCTION impressions_span_impression_lost()""",
    f"""CREATE TRIGGER impressions_span_impression_changed
        AFTER UPDATE OF viewed_at, user_id, artwork_id ON impressions_impression FOR EACH ROW
        WHEN ({IMPRESSION_CHANGED}) EXECUTE FUNCTION impressions_span_impression_lost()""",
    """CREATE TRIGGER impressions_span_deleted AFTER DELETE ON impressions_seenspan
        FOR EACH ROW EXECUTE FUNCTION impressions_span_dropped()""",
]

TRIGGERS = {
    "impressions_span_artwork_inserted": "artfeed_artwork",
    "impressions_span_artwork_changed": "artfeed_artwork",
    "impressions_span_impression_deleted": "impressions_impression",
    "impressions_span_impression_changed": "impressions_impression",
    "impressions_span_deleted": "impressions_seenspan",
}
POSTGRESQL_ONLY = {
    "impressions_span_lock_artworks": "artfeed_artwork",
    "impressions_span_lock_impressions": "impressions_impression",
}
FUNCTIONS = [
    "impressions_span_lock",
    "impressions_span_artwork_shown",
    "impressions_span_impression_lost",
    "impressions_span_dropped",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = ["DELETE FROM impressions_seenspan"]
    statements += POSTGRESQL if vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    triggers = {**TRIGGERS, **(POSTGRESQL_ONLY if postgresql else {})}
    for trigger, table in triggers.items():
        suffix = f" ON {table}" if postgresql else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}{suffix}")
    if postgresql:
        for function in FUNCTIONS:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")


class Migration(migrations.Migration):
    dependencies = [
        ("impressions", "0002_backfill_run_permission"),
        ("artfeed", "0002_login_throttle"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SpanHole",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("user_id", models.BigIntegerField()),
                ("artwork_id", models.UUIDField()),
            ],
        ),
        migrations.RemoveField(model_name="seenspan", name="seen_since"),
        migrations.AddIndex(
            model_name="seenspan",
            index=models.Index(fields=["newest"], name="seen_span_newest"),
        ),
        migrations.AddConstraint(
            model_name="spanhole",
            constraint=models.UniqueConstraint(fields=("user_id", "artwork_id"), name="span_hole_unique"),
        ),
        migrations.RunPython(install, uninstall),
    ]
