from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from sesis.api import views as api_views
from sesis.api.main import api
from sesis.audit import views as audit
from sesis.caseloads import views as caseloads
from sesis.core import views as core
from sesis.core.forms import SignInForm
from sesis.ivr import views as ivr
from sesis.people import views as people
from sesis.reports import views as reports
from sesis.schedules import views as schedules
from sesis.schoolcalendar import views as schoolcalendar
from sesis.services import views as services

urlpatterns = [
    path("", core.home, name="home"),
    path("ping/", core.ping, name="ping"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="core/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("administration/", people.administration, name="administration"),
    path("administration/staff/", people.staff_search, name="staff_search"),
    path("administration/staff/<str:staff_id>/", people.staff_detail, name="staff_detail"),
    path("administration/staff/<str:staff_id>/password/", people.staff_password, name="staff_password"),
    path("administration/staff/<str:staff_id>/caseload/", caseloads.caseload, name="staff_caseload"),
    path("administration/staff/<str:staff_id>/caseload/add/", caseloads.add_to_caseload, name="staff_caseload_add"),
    path(
        "administration/staff/<str:staff_id>/caseload/<int:entry_id>/remove/",
        caseloads.remove_from_caseload,
        name="staff_caseload_remove",
    ),
    path("caseload/", caseloads.caseload, name="my_caseload"),
    path("caseload/add/", caseloads.add_to_caseload, name="my_caseload_add"),
    path("caseload/<int:entry_id>/remove/", caseloads.remove_from_caseload, name="my_caseload_remove"),
    path("schedule/", schedules.my_schedule, name="my_schedule"),
    path("schedule/add/", schedules.slot_add, name="slot_add"),
    path("schedule/<int:pk>/edit/", schedules.slot_edit, name="slot_edit"),
    path("schedule/<int:pk>/remove/", schedules.slot_remove, name="slot_remove"),
    path("day/", schedules.day_sessions, name="day_sessions"),
    path("services/", services.services_home, name="services_home"),
    path("services/group/", services.group_session, name="group_session"),
    path("services/records/<int:pk>/", services.record_detail, name="record_detail"),
    path("services/records/<int:pk>/edit/", services.record_edit, name="record_edit"),
    path("services/records/<int:pk>/certify/", services.record_certify, name="record_certify"),
    path("services/records/<int:pk>/delete/", services.record_delete, name="record_delete"),
    path("services/records/<int:pk>/amend/", services.record_amend, name="record_amend"),
    path("services/<str:osis>/", services.services_calendar, name="services_calendar"),
    path("services/<str:osis>/record/", services.record_pick_date, name="record_pick_date"),
    path("services/<str:osis>/record/new/", services.record_new, name="record_new"),
    path("administration/staff/<str:staff_id>/services/", services.services_home, name="staff_services_home"),
    path("administration/staff/<str:staff_id>/services/group/", services.group_session, name="staff_group_session"),
    path(
        "administration/staff/<str:staff_id>/services/<str:osis>/",
        services.services_calendar,
        name="staff_services_calendar",
    ),
    path(
        "administration/staff/<str:staff_id>/services/<str:osis>/record/",
        services.record_pick_date,
        name="staff_record_pick_date",
    ),
    path(
        "administration/staff/<str:staff_id>/services/<str:osis>/record/new/",
        services.record_new,
        name="staff_record_new",
    ),
    path("administration/access/", audit.access_lookup, name="access_lookup"),
    path("administration/access/<str:osis>/", audit.student_access, name="student_access"),
    path("administration/calendar/", schoolcalendar.calendar_admin, name="calendar_admin"),
    path("administration/calendar/<int:pk>/remove/", schoolcalendar.remove_calendar_day, name="calendar_day_remove"),
    path("reports/", reports.reports_home, name="reports"),
    path("reports/encounter-attendance/", reports.encounter_attendance_report, name="encounter_attendance"),
    path("reports/compliance/", reports.compliance_report, name="compliance_report"),
    re_path(
        r"^reports/(?P<report>encounter-attendance|compliance)/export/(?P<file_format>csv|xlsx|pdf)/$",
        reports.report_download,
        name="report_download",
    ),
    path("reports/students/<str:osis>/chart/", reports.student_chart, name="student_chart"),
    path("reports/schools/<str:dbn>/chart/", reports.school_chart, name="school_chart"),
    path("ivr/voice/", ivr.voice, name="ivr_voice"),
    path("first-attends/", ivr.my_first_attends, name="my_first_attends"),
    path("administration/first-attends/", ivr.first_attends_admin, name="first_attends_admin"),
    path("profile/", ivr.profile, name="profile"),
    path("profile/password/", people.change_password, name="change_password"),
    path("profile/api-tokens/", api_views.personal_tokens, name="personal_tokens"),
    path("administration/api-tokens/", api_views.service_tokens, name="service_tokens"),
    path("api-tokens/<int:pk>/revoke/", api_views.revoke_token, name="revoke_token"),
    path("api/try/", api_views.try_it, name="api_try"),
    path("api/v1/", api.urls),
]
