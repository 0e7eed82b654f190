from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from sesis.caseloads import views as caseloads
from sesis.core import views as core
from sesis.core.forms import SignInForm
from sesis.people import views as people

urlpatterns = [
    path("", core.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="core/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("administration/", people.administration, name="administration"),
    path("administration/staff/", people.staff_search, name="staff_search"),
    path("administration/staff/<str:staff_id>/", people.staff_detail, name="staff_detail"),
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
]
