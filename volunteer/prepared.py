"""Statements the ORM writes once per database and the page then only runs.

A page that runs the same small queries on every visit, with only a key changing (a
team, a member, a user), spent about as long having the ORM build each statement as
having the database run it. `PreparedQuery` has the ORM write the statement once per
database vendor, with stand-in values marking where the keys go, keeps its text and the
ORM's own conversions of the raw values (dates, datetimes and decimals from SQLite,
booleans), and from then on only binds the values and runs it. The statement is the
ORM's, so it reads the same rows the queryset would.

    TEAM = PreparedQuery(lambda team: Team.objects.filter(pk=team), team=2_000_730_001)
    TEAM.instances(team=pk)

A stand-in is an integer no real value takes; each must appear among the statement's
values (compiling checks), and only integers can be bound. Keys are compared for
equality, so a key beyond 64 bits, which no row can hold, finds nothing (the database
would refuse to bind it).
"""

from collections.abc import Callable

from django.db import connection
from django.db.models.query import get_related_populators

_LOWEST, _HIGHEST = -(2**63), 2**63 - 1


class PreparedQuery:
    __slots__ = ("build", "names", "statements")

    def __init__(self, build: Callable, **stand_ins: int):
        self.build = build  # (**stand_ins) -> a queryset (values_list for `rows`)
        self.names = stand_ins
        self.statements: dict[str, tuple] = {}

    def _compile(self, alias: str) -> tuple:
        compiler = self.build(**self.names).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        by_value = {value: name for name, value in self.names.items()}
        slots = [by_value.get(param) if isinstance(param, int) else None for param in params]
        if sorted(filter(None, slots)) != sorted(self.names):
            raise RuntimeError("a stand-in value was not found among the statement's values")
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        converters = list(compiler.get_converters(fields).items())
        return sql, list(params), slots, converters, compiler

    def instances(self, **values: int) -> list:
        """The rows as model instances, with what it selects related, as the queryset
        itself would give them (Django's ModelIterable over the same compiled select)."""
        rows = self.rows(**values)
        compiler = self.statements[connection.vendor][4]
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        model = klass_info["model"]
        populators = get_related_populators(klass_info, select, connection.alias)
        found = []
        for row in rows:
            instance = model.from_db(connection.alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            found.append(instance)
        return found

    def rows(self, **values: int) -> list:
        if any(not _LOWEST <= value <= _HIGHEST for value in values.values()):
            return []
        prepared = self.statements.get(connection.vendor)
        if prepared is None:
            prepared = self.statements[connection.vendor] = self._compile(connection.alias)
        sql, params, slots, converters, _ = prepared
        bound = [
            param if slot is None else values[slot]
            for param, slot in zip(params, slots, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, bound)
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(row)
        return converted
