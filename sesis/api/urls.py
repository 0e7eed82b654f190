from __future__ import annotations

from django.urls import path, re_path

from sesis.api import views
from sesis.api.main import api, no_such_path

urlpatterns = [
    path("profile/api-tokens/", views.personal_tokens, name="personal_tokens"),
    path("administration/api-tokens/", views.service_tokens, name="service_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("api/try/", views.try_it, name="api_try"),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/", no_such_path),  # any other address under the API: a JSON 404
]
