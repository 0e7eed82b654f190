from __future__ import annotations

from django.urls import path, re_path

from sesis.reports import views

urlpatterns = [
    path("reports/", views.reports_home, name="reports"),
    path("reports/encounter-attendance/", views.encounter_attendance_report, name="encounter_attendance"),
    path("reports/compliance/", views.compliance_report, name="compliance_report"),
    path("reports/provider-totals/", views.provider_totals_report, name="provider_totals"),
    path("reports/awaiting-provider/", views.awaiting_provider_list, name="awaiting_provider"),
    path("reports/never-served/", views.never_served_list, name="never_served"),
    re_path(
        r"^reports/(?P<report>encounter-attendance|compliance|provider-totals|awaiting-provider|never-served)/export/(?P<file_format>csv|xlsx|pdf)/$",
        views.report_download,
        name="report_download",
    ),
    path("reports/students/<str:osis>/chart/", views.student_chart, name="student_chart"),
    path("reports/schools/<str:dbn>/chart/", views.school_chart, name="school_chart"),
]
