"""Model columns read by a hand-written SQL statement, turned back into instances.

For the few paths with a latency budget the ORM's query building cannot meet
(the ingest's publish callback: bench/bench_broadcast.py), the statement is
written once, and each row comes back as the model instance the ORM would
have built: values pass through the same converters (SQLite's dates and
booleans, JSON), and the instance is built by ``Model.from_db``, so the
columns not read are deferred as with ``only()``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models


class Columns:
    """Some columns of ``model`` under the table alias ``alias``."""

    def __init__(self, model: type[models.Model], names: Sequence[str], alias: str) -> None:
        self.model = model
        self.alias = alias
        # In the model's order: ``Model.from_db`` takes the values of the fields it is
        # given in that order, whatever the order of the names.
        wanted = {model._meta.get_field(name) for name in names}
        self.fields = [field for field in model._meta.concrete_fields if field in wanted]
        self.attnames = [field.attname for field in self.fields]

    def table(self, connection) -> str:
        """``"table" alias``, for the FROM or JOIN clause."""
        return f"{connection.ops.quote_name(self.model._meta.db_table)} {self.alias}"

    def select(self, connection) -> str:
        """The columns, qualified by the alias, for the SELECT list."""
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

    def column(self, connection, name: str) -> str:
        """One column of the model, qualified by the alias (for WHERE and JOIN)."""
        field = self.model._meta.get_field(name)
        return f"{self.alias}.{connection.ops.quote_name(field.column)}"

    def instance(self, connection, values: Sequence) -> models.Model:
        """The instance whose columns hold ``values``, in the order ``select`` gives."""
        converted = []
        for field, value in zip(self.fields, values, strict=True):
            expression = field.get_col(self.alias)
            converters = connection.ops.get_db_converters(expression)
            converters += field.get_db_converters(connection)
            for converter in converters:
                value = converter(value, expression, connection)
            converted.append(value)
        return self.model.from_db(connection.alias, self.attnames, converted)

    def __len__(self) -> int:
        return len(self.fields)
