from django.urls import path  # noqa: F401 - the lines below the markers use it

app_name = "scoring"

urlpatterns = [
    # -- activities, ledger, cards, tallies --
    # -- evaluation --
]
