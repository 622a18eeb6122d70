import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(client):
    """Messages are matched in English, the source language: the browser asks for English
    and services called directly run in English too."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
