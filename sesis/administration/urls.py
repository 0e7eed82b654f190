from __future__ import annotations

from django.urls import path

from sesis.administration import imports, views

urlpatterns = [
    path("administration/", views.administration, name="administration"),
    path("administration/staff/", views.staff_search, name="staff_search"),
    path("administration/staff/<str:staff_id>/", views.staff_detail, name="staff_detail"),
    path("administration/staff/<str:staff_id>/password/", views.staff_password, name="staff_password"),
    path("administration/access/", views.access_lookup, name="access_lookup"),
    path("administration/access/<str:osis>/", views.student_access, name="student_access"),
    path("administration/imports/", imports.imports, name="imports"),
    path("administration/imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("administration/imports/<int:pk>/apply/", imports.import_apply, name="import_apply"),
    path("administration/imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("administration/imports/<int:pk>/file/", imports.import_download, name="import_download"),
]
