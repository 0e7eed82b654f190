from __future__ import annotations

from django.urls import path, re_path

from sesis.ivr import views

urlpatterns = [
    path("ivr/voice/", views.voice, name="ivr_voice"),
    path("first-attends/", views.my_first_attends, name="my_first_attends"),
    path("administration/first-attends/", views.first_attends_admin, name="first_attends_admin"),
    re_path(
        r"^administration/first-attends/export/(?P<file_format>csv|xlsx)/$",
        views.first_attends_export,
        name="first_attends_export",
    ),
]
