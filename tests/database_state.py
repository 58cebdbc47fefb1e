"""The rows of a test database, kept to compare the database with later and to put back."""

import sqlalchemy
from sqlalchemy import text

from scheduler.extensions import db


class DatabaseState:
    """Every row of every table as they are now, and the id each table gives its next row. Call its
    methods inside an app context; they work through `db.session`, so inside a test's rolled-back
    transaction they stay there."""

    def __init__(self, app):
        with app.app_context():
            self.tables = list(db.metadata.sorted_tables)
            self.rows = {table.name: self._rows(table) for table in self.tables}
            self.next_ids = {
                table.name: max((row["id"] for row in self.rows[table.name]), default=0) + 1
                for table in self.tables
                if "id" in table.c
            }
            db.session.remove()

    @staticmethod
    def _rows(table) -> list[dict]:
        return [dict(row._mapping) for row in db.session.execute(table.select().order_by(*table.primary_key))]

    def differences(self) -> list[str]:
        """What differs from the kept state, table by table (nothing: an empty list)."""
        counts = db.session.execute(
            sqlalchemy.union_all(
                *(
                    sqlalchemy.select(sqlalchemy.literal(table.name), sqlalchemy.func.count()).select_from(table)
                    for table in self.tables
                )
            )
        ).all()
        found = [
            f"{name}: {count} rows, not {len(self.rows[name])}"
            for name, count in counts
            if count != len(self.rows[name])
        ]
        if not found:  # as many rows: are they the same?
            found = [
                f"{table.name}: rows changed"
                for table in self.tables
                if self.rows[table.name] and self._rows(table) != self.rows[table.name]
            ]
        db.session.rollback()
        return found

    def restart_ids(self) -> None:
        """The next row of each table gets the id it got right after the state was kept.
        On PostgreSQL this holds even if the transaction is rolled back (sequences are outside it)."""
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(
                text(
                    "SELECT "
                    + ", ".join(
                        f"setval(pg_get_serial_sequence('{name}', 'id'), {next_id}, false)"
                        for name, next_id in self.next_ids.items()
                    )
                )
            )
        elif db.session.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
            db.session.execute(text("DELETE FROM sqlite_sequence"))

    def restore(self) -> None:
        """Put the kept rows back in place of whatever is there now, and commit."""
        for table in reversed(self.tables):
            db.session.execute(table.delete())
        for table in self.tables:
            if self.rows[table.name]:
                db.session.execute(table.insert(), self.rows[table.name])
        self.restart_ids()
        db.session.commit()
