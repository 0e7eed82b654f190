"""Every address of SESIS: the site's own pages, then each app's urls.py."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from sesis.people.forms import SignInForm
from sesis.site import jobs, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ping/", views.ping, name="ping"),
    path("files/", jobs.my_files, name="my_files"),
    path("files/<int:pk>/", jobs.job_detail, name="job_detail"),
    path("files/<int:pk>/progress/", jobs.job_progress, name="job_progress"),
    path("files/<int:pk>/download/", jobs.job_download, name="job_download"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="site/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/reminders/", views.profile_reminders, name="profile_reminders"),
    path("profile/password/", views.change_password, name="change_password"),
    path("", include("sesis.administration.urls")),
    path("", include("sesis.caseloads.urls")),
    path("", include("sesis.schedules.urls")),
    path("", include("sesis.services.urls")),
    path("", include("sesis.schoolcalendar.urls")),
    path("", include("sesis.reports.urls")),
    path("", include("sesis.ivr.urls")),
    path("", include("sesis.claims.urls")),
    path("", include("sesis.api.urls")),
]
