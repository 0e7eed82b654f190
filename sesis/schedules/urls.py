from __future__ import annotations

from django.urls import path

from sesis.schedules import views

urlpatterns = [
    path("schedule/", views.my_schedule, name="my_schedule"),
    path("schedule/add/", views.slot_add, name="slot_add"),
    path("schedule/<int:pk>/edit/", views.slot_edit, name="slot_edit"),
    path("schedule/<int:pk>/remove/", views.slot_remove, name="slot_remove"),
    path("day/", views.day_sessions, name="day_sessions"),
]
