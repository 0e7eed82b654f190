from __future__ import annotations

from django.urls import path

from sesis.administration import views

urlpatterns = [
    path("administration/", views.administration, name="administration"),
    path("administration/staff/", views.staff_search, name="staff_search"),
    path("administration/staff/<str:staff_id>/", views.staff_detail, name="staff_detail"),
    path("administration/staff/<str:staff_id>/password/", views.staff_password, name="staff_password"),
    path("administration/access/", views.access_lookup, name="access_lookup"),
    path("administration/access/<str:osis>/", views.student_access, name="student_access"),
]
