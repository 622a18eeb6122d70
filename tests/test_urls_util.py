"""The one-reversal URL maker gives exactly what reverse() gives."""

import pytest
from django.urls import reverse

from volunteer.urls_util import pk_url_maker


@pytest.mark.parametrize("pk", [1, 42, 987654321, 2**31 - 1])
def test_pk_url_maker_matches_reverse(pk):
    make = pk_url_maker("scoring:entry-correct")
    assert make(pk) == reverse("scoring:entry-correct", args=[pk])


def test_pk_url_maker_refuses_a_non_integer():
    make = pk_url_maker("scoring:activity-detail")
    with pytest.raises(ValueError):
        make("1/../../admin")
