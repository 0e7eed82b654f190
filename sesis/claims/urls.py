from __future__ import annotations

from django.urls import path

from sesis.claims import views

urlpatterns = [
    path("administration/medicaid/", views.claims, name="medicaid_claims"),
    path("administration/medicaid/download", views.claims_download, name="medicaid_claims_download"),
]
