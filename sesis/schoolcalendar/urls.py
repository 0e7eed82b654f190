from __future__ import annotations

from django.urls import path

from sesis.schoolcalendar import views

urlpatterns = [
    path("administration/calendar/", views.calendar_admin, name="calendar_admin"),
    path("administration/calendar/<int:pk>/edit/", views.calendar_range_edit, name="calendar_range_edit"),
    path("administration/calendar/<int:pk>/remove/", views.remove_calendar_day, name="calendar_day_remove"),
]
