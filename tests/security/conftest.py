"""The URL-role table's objects of 秦望村, for the crawls and cross-branch checks here."""

from tests.test_url_roles import objects  # noqa: F401 (a fixture)
