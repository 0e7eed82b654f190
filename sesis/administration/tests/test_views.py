from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import District


@pytest.fixture
def supervisor_client(client: Client, district: District) -> Client:
    client.force_login(district.supervisor)
    return client


def test_administration_shows_staff_in_the_left_navigation(supervisor_client: Client) -> None:
    response = supervisor_client.get(reverse("administration"))
    assert response.status_code == 200
    assert b'aria-label="Administration"' in response.content
    assert b">Staff</a>" in response.content


def test_administration_is_not_found_for_providers(client: Client, district: District) -> None:
    client.force_login(district.doe_speech)
    assert client.get(reverse("administration")).status_code == 404
    assert client.get(reverse("staff_search")).status_code == 404
    assert client.get(reverse("staff_detail", args=["300"])).status_code == 404


def test_staff_quick_search_by_name_lists_matches_with_a_magnifying_glass_link(supervisor_client: Client) -> None:
    response = supervisor_client.get(reverse("staff_search"), {"name": "sant", "search": "1"})
    assert response.status_code == 200
    assert list(response.context["page"]) == [response.context["page"][0]]
    assert response.context["page"][0].staff_id == "300"
    assert b'aria-label="View Maria Santos"' in response.content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"staff_id": "400"}, {"400"}),
        ({"provider_type": "Agency"}, {"400"}),
        ({"provider_type": "Independent"}, {"500"}),
        ({"discipline": "PARA"}, {"600"}),
        ({"discipline": "SPEECH"}, {"300", "500"}),
        ({"school": "02m001"}, {"300", "400", "600"}),
        ({"school": "02m002"}, {"500"}),  # by the school of the student the RSA names
        ({"agency": "acme"}, {"400"}),
        ({"name": "carmen"}, {"600"}),
    ],
)
def test_staff_quick_search_filters(supervisor_client: Client, params: dict[str, str], expected: set[str]) -> None:
    response = supervisor_client.get(reverse("staff_search"), {**params, "search": "1"})
    assert {s.staff_id for s in response.context["page"]} == expected


def test_staff_quick_search_never_shows_staff_out_of_scope(client: Client, district: District) -> None:
    client.force_login(district.supervisor_out)
    response = client.get(reverse("staff_search"), {"search": "1"})
    assert {s.staff_id for s in response.context["page"]} == {"201", "300"}


def test_the_staff_page_has_the_actions_bar_with_select_and_caseload(supervisor_client: Client) -> None:
    response = supervisor_client.get(reverse("staff_detail", args=["300"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'aria-label="Actions"' in content
    assert "<summary" in content and "Select</summary>" in content
    assert f'href="{reverse("staff_caseload", args=["300"])}">Caseload</a>' in content


def test_a_staff_page_out_of_scope_is_not_found(client: Client, district: District) -> None:
    client.force_login(district.supervisor_out)
    assert client.get(reverse("staff_detail", args=["600"])).status_code == 404
    assert client.get(reverse("staff_detail", args=["99999"])).status_code == 404
