"""System checks for the members app: the ID-number keys are usable."""

from django.conf import settings
from django.core.checks import Error, register

from members import idnumbers


@register()
def id_number_keys(app_configs, **kwargs) -> list[Error]:
    return [
        Error(problem, hint="README: Personal data.", id="members.E001")
        for problem in idnumbers.key_problems(
            list(settings.ID_NUMBER_KEYS), settings.ID_NUMBER_HASH_KEY
        )
    ]
