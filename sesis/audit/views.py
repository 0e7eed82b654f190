"""Record of access (FERPA 34 CFR 99.32, IDEA 34 CFR 300.614): for one student, who
saw or exported their records, when and how, and every change made to them. For
administrators, the district's custodians of the records; to anyone else a 404."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from sesis.audit.models import AuditEvent, Disclosure
from sesis.core.forms import UswdsForm, digits
from sesis.core.http import AuthedRequest
from sesis.students.models import Student

PAGE_SIZE = 50


class AccessLookupForm(UswdsForm, forms.Form):
    osis = forms.CharField(label="OSIS ID", max_length=9, min_length=9, widget=digits(),
                           error_messages={"required": "Enter the student's 9-digit OSIS ID.",
                                           "min_length": "An OSIS ID has 9 digits."})  # fmt: skip

    def clean_osis(self) -> str:
        osis: str = self.cleaned_data["osis"].strip()
        if not osis.isdigit():
            raise forms.ValidationError("An OSIS ID has 9 digits.")
        if not Student.objects.filter(osis=osis).exists():
            raise forms.ValidationError(f"No student has the OSIS ID {osis}.")
        return osis


def _administrators_only(request: AuthedRequest) -> None:
    if not request.user.is_administrator:
        raise Http404("No such page.")


def access_lookup(request: AuthedRequest) -> HttpResponse:
    _administrators_only(request)
    form = AccessLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("student_access", osis=form.cleaned_data["osis"])
    return render(request, "audit/access_lookup.html", {"form": form, "current": "access"})


def student_access(request: AuthedRequest, osis: str) -> HttpResponse:
    _administrators_only(request)
    student = Student.objects.filter(osis=osis).select_related("school").first()
    if student is None:
        raise Http404("No such student.")
    disclosures = Disclosure.objects.filter(students__student=student).select_related("actor").order_by("-at", "-id")
    changes = AuditEvent.objects.filter(student=student).select_related("actor").order_by("-at", "-id")
    context = {
        "student": student,
        "disclosures": Paginator(disclosures, PAGE_SIZE).get_page(request.GET.get("page")),
        "changes": Paginator(changes, PAGE_SIZE).get_page(request.GET.get("changes_page")),
        "current": "access",
    }
    return render(request, "audit/student_access.html", context)
