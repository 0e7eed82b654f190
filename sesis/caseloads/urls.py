from __future__ import annotations

from django.urls import path

from sesis.caseloads import views

urlpatterns = [
    path("administration/staff/<str:staff_id>/caseload/", views.caseload, name="staff_caseload"),
    path("administration/staff/<str:staff_id>/caseload/add/", views.add_to_caseload, name="staff_caseload_add"),
    path(
        "administration/staff/<str:staff_id>/caseload/transfer/",
        views.transfer_caseload,
        name="staff_caseload_transfer",
    ),
    path(
        "administration/staff/<str:staff_id>/caseload/<int:entry_id>/remove/",
        views.remove_from_caseload,
        name="staff_caseload_remove",
    ),
    path("caseload/", views.caseload, name="my_caseload"),
    path("caseload/add/", views.add_to_caseload, name="my_caseload_add"),
    path("caseload/<int:entry_id>/remove/", views.remove_from_caseload, name="my_caseload_remove"),
]
