from django.urls import path

from inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("read-all/", views.mark_all_read, name="mark-all-read"),
    path("contact/", views.contact, name="contact"),
    path("text-size/", views.text_size, name="text-size"),
]
