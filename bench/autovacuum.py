"""What autovacuum does in production, done by the bench where the server's is off.

The bench may run on a PostgreSQL whose autovacuum is off (this machine's is: the
reports say so). Left alone, the rows every frame rewrites (a lease, the screen's row,
the span) pile up dead versions that no production table keeps for long, and the
statistics stay as they were when the data set was loaded: the lease table's say it is
empty. A plan prepared on such statistics is never made again, since only new statistics
(ANALYZE) make PostgreSQL plan a prepared statement anew, and the feed's read planned
for an empty lease table reads every user's leases of the newest artworks (3.0 ms
against 0.76 ms measured, with 200 users' leases). Production's daemon re-analyzes a
table once enough of it changed, within a minute.

``Autovacuum.tick`` does what the daemon would at that moment: each table with more
dead or inserted rows than the server's own thresholds allow
(``autovacuum_vacuum_threshold`` + ``…_scale_factor`` × its rows, and the same for
inserts) is vacuumed, and, with ``analyze``, each with more rows changed since its last
statistics than ``autovacuum_analyze_threshold`` + ``…_scale_factor`` × its rows is
analyzed. Untimed: the callers tick between what they measure.
"""

from __future__ import annotations

from django.db import connection


class Autovacuum:
    """Ticked by the weeks of use once a simulated minute (``autovacuum_naptime``'s
    default), vacuuming only: ANALYZE makes every connection plan its prepared statements
    anew, which a connection serving many screens does at most once a naptime, but which
    that one screen, a frame per simulated minute, would pay every few frames. Ticked
    with ``analyze`` by the benches of whole requests after each round of frames."""

    STATS = """SELECT s.schemaname, s.relname, s.n_dead_tup, s.n_ins_since_vacuum,
        s.n_mod_since_analyze, GREATEST(c.reltuples, 0)
        FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid"""

    def __init__(self, *, analyze: bool = False) -> None:
        self.analyze = analyze
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, setting::float FROM pg_settings WHERE name IN "
                "('autovacuum_vacuum_threshold', 'autovacuum_vacuum_scale_factor', "
                "'autovacuum_vacuum_insert_threshold', 'autovacuum_vacuum_insert_scale_factor', "
                "'autovacuum_analyze_threshold', 'autovacuum_analyze_scale_factor')"
            )
            self.settings = {name.removeprefix("autovacuum_"): value for name, value in cursor}
        self.vacuums = self.analyzes = 0

    def _over(self, kind: str, count: float, rows: float) -> bool:
        threshold = (
            self.settings[f"{kind}_threshold"] + self.settings[f"{kind}_scale_factor"] * rows
        )
        return count > threshold

    def tick(self) -> None:
        with connection.cursor() as cursor:
            # This process's own counts reach the statistics at its next transaction's end.
            cursor.execute("SELECT pg_stat_force_next_flush()")
            cursor.execute(self.STATS)
            tables = cursor.fetchall()
            quote = connection.ops.quote_name
            for schema, table, dead, inserted, changed, rows in tables:
                name = f"{quote(schema)}.{quote(table)}"
                if self._over("vacuum", dead, rows) or self._over("vacuum_insert", inserted, rows):
                    cursor.execute(f"VACUUM {name}")
                    self.vacuums += 1
                if self.analyze and self._over("analyze", changed, rows):
                    cursor.execute(f"ANALYZE {name}")
                    self.analyzes += 1
