"""Service Capture, for a provider (/services/...) and for a supervisor recording on a
provider's behalf (/administration/staff/<staff_id>/services/..., names staff_...)."""

from __future__ import annotations

from django.urls import path

from sesis.services import views

urlpatterns = [
    path("services/", views.services_home, name="services_home"),
    path("services/group/", views.group_session, name="group_session"),
    path("services/records/<int:pk>/", views.record_detail, name="record_detail"),
    path("services/records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("services/records/<int:pk>/certify/", views.record_certify, name="record_certify"),
    path("services/certify/", views.records_certify, name="records_certify"),
    path("services/records/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("services/records/<int:pk>/amend/", views.record_amend, name="record_amend"),
    path("services/<str:osis>/", views.services_calendar, name="services_calendar"),
    path("services/<str:osis>/record/", views.record_pick_date, name="record_pick_date"),
    path("services/<str:osis>/record/new/", views.record_new, name="record_new"),
    path("administration/staff/<str:staff_id>/services/", views.services_home, name="staff_services_home"),
    path("administration/staff/<str:staff_id>/services/group/", views.group_session, name="staff_group_session"),
    path(
        "administration/staff/<str:staff_id>/services/<str:osis>/",
        views.services_calendar,
        name="staff_services_calendar",
    ),
    path(
        "administration/staff/<str:staff_id>/services/<str:osis>/record/",
        views.record_pick_date,
        name="staff_record_pick_date",
    ),
    path(
        "administration/staff/<str:staff_id>/services/<str:osis>/record/new/",
        views.record_new,
        name="staff_record_new",
    ),
]
