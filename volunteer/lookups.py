"""`in` on an integer column with numbers the column cannot hold.

Django's own `exact`, `gt`, `lt`… on an integer column treat a number beyond the
column's range as matching no row (or every row), whatever the database; `in` does not,
and SQLite's driver raises OverflowError for such a number: a server error for a tampered
form (a ticked box with value 2⁶³, e.g. the needs of a post or the members of an
activity) or a query string. Here `in` leaves such numbers out, as `exact` would find
nothing for them.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
