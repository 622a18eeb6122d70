from django.apps import AppConfig


class VolunteerConfig(AppConfig):
    name = "volunteer"

    def ready(self) -> None:
        from volunteer import lookups  # noqa: F401 - registers `in` for integer columns
