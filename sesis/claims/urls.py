from __future__ import annotations

from django.urls import path

from sesis.claims import facts, views

urlpatterns = [
    path("administration/medicaid/", views.claims, name="medicaid_claims"),
    path("administration/medicaid/download", views.claims_download, name="medicaid_claims_download"),
    path("administration/medicaid/rules/", facts.claim_rules, name="claim_rules"),
    path("administration/medicaid/rules/edit", facts.claim_rule_edit, name="claim_rule_edit"),
    path("administration/medicaid/students/<str:osis>/", facts.student_medicaid, name="student_medicaid"),
    *(
        path(f"administration/medicaid/students/<str:osis>/{kind}", facts.student_medicaid_fact, {"kind": kind}, name)
        for kind, name in (
            ("consent", "student_consent"),
            ("eligibility", "student_eligibility"),
            ("order", "student_order"),
        )
    ),
    path("administration/staff/<str:staff_id>/credential/", facts.staff_credential, name="staff_credential"),
]
