from __future__ import annotations

from django.urls import path, re_path

from sesis.reports import views

urlpatterns = [
    path("reports/", views.reports_home, name="reports"),
    path("reports/encounter-attendance/", views.encounter_attendance_report, name="encounter_attendance"),
    path("reports/compliance/", views.compliance_report, name="compliance_report"),
    re_path(
        r"^reports/(?P<report>encounter-attendance|compliance)/export/(?P<file_format>csv|xlsx|pdf)/$",
        views.report_download,
        name="report_download",
    ),
    path("reports/students/<str:osis>/chart/", views.student_chart, name="student_chart"),
    path("reports/schools/<str:dbn>/chart/", views.school_chart, name="school_chart"),
]
