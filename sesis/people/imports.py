from __future__ import annotations

from typing import Any

from sesis.imports.framework import Importer, ImportResult, Progress, Row, chunked, upsert
from sesis.lib.codes import LANGUAGE_CHOICES, ServiceType
from sesis.lib.search import search_key
from sesis.people.models import AccessScope, Agency, ProviderType, Role, ScopeKind, Staff, StaffDiscipline
from sesis.schools.models import School


class StaffImporter(Importer):
    kind = "staff"
    columns = (
        "staff_id",
        "first_name",
        "last_name",
        "email",
        "role",
        "provider_type",
        "agency",
        "disciplines",
        "languages",
    )
    description = "Staff and their roles, provider types, agencies, disciplines and languages."

    def natural_key(self, parsed: dict[str, Any]) -> Any:
        return parsed["staff_id"]

    def parse(self, row: Row) -> dict[str, Any]:
        role = row.choice("role", Role.choices)
        provider_type = row.choice("provider_type", ProviderType.choices, required=False)
        if row.ok("role", "provider_type"):
            if role == Role.PROVIDER and not provider_type:
                row.problem("provider_type", "is required for a provider (DOE, Agency or Independent)")
            if role != Role.PROVIDER and provider_type:
                row.problem("provider_type", f"must be blank for a {role}")
        agency = row.text("agency", required=False)
        if row.ok("provider_type", "agency"):
            if agency and provider_type != ProviderType.AGENCY:
                row.problem("agency", "is only for Agency providers")
            if provider_type == ProviderType.AGENCY and not agency:
                row.problem("agency", "is required for an Agency provider")
        disciplines = row.codes("disciplines", ServiceType.choices)
        if row.ok("role", "disciplines") and role == Role.PROVIDER and not disciplines:
            row.problem("disciplines", "a provider needs at least one discipline")
        email = row.text("email", required=False)
        if email and ("@" not in email or " " in email):
            row.problem("email", f"is not an email address: {email!r}")
        return {
            "staff_id": row.digits("staff_id"),
            "first_name": row.text("first_name", max_length=100),
            "last_name": row.text("last_name", max_length=100),
            "email": email,
            "role": role,
            "provider_type": provider_type,
            "agency": agency,
            "disciplines": disciplines,
            "languages": ";".join(row.codes("languages", LANGUAGE_CHOICES, store_label=True)),
        }

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        agency_names = sorted({item["agency"] for item in parsed if item["agency"]})
        agencies = upsert(
            Agency, ("name",), [{"name": name} for name in agency_names], lambda d, t: None, run=self.current
        )
        staff_rows = [
            {k: v for k, v in item.items() if k != "disciplines"}
            | {"agency": agencies.objects[(item["agency"],)] if item["agency"] else None}
            for item in parsed
        ]
        staff = upsert(Staff, ("staff_id",), staff_rows, progress, run=self.current, prepare=_new_staff)
        result.add(staff)
        discipline_changes = self._sync_disciplines(parsed, staff.objects)
        # A row whose only change is its disciplines counts as updated, not unchanged.
        result.updated += discipline_changes
        result.unchanged -= discipline_changes

    def _sync_disciplines(self, parsed: list[dict[str, Any]], staff_by_key: dict[Any, Staff]) -> int:
        wanted = {staff_by_key[(item["staff_id"],)].pk: set(item["disciplines"]) for item in parsed}
        by_pk = {staff.pk: staff for staff in staff_by_key.values()}
        changed_only_disciplines = 0
        for ids in chunked(list(wanted)):
            current: dict[int, set[str]] = {pk: set() for pk in ids}
            for staff_id, service in StaffDiscipline.objects.filter(staff_id__in=ids).values_list(
                "staff_id", "service"
            ):
                current[staff_id].add(service)
            to_add, to_remove = [], []
            for pk in ids:
                to_add += [StaffDiscipline(staff_id=pk, service=s) for s in wanted[pk] - current[pk]]
                to_remove += [(pk, s) for s in current[pk] - wanted[pk]]
                if wanted[pk] != current[pk]:
                    self.current.changed(
                        by_pk[pk], change="update", values={"disciplines": [sorted(current[pk]), sorted(wanted[pk])]}
                    )
                if wanted[pk] != current[pk] and current[pk]:
                    changed_only_disciplines += 1
            StaffDiscipline.objects.bulk_create(to_add)
            for pk, service in to_remove:
                StaffDiscipline.objects.filter(staff_id=pk, service=service).delete()
        return changed_only_disciplines


def _new_staff(staff: Staff) -> None:
    staff.last_name_key = search_key(staff.last_name)
    if staff.pk is None:
        # Imported staff get a password from an administrator before they can sign in.
        staff.set_unusable_password()


class AccessImporter(Importer):
    kind = "access"
    columns = ("staff_id", "scope", "value")
    description = "Supervisors' access scopes: a school, a district or an agency."

    def natural_key(self, parsed: dict[str, Any]) -> Any:
        return (parsed["staff"].pk, parsed["scope"], parsed["value"])

    def prepare(self, rows: list[Row]) -> None:
        ids = {row.data.get("staff_id", "").strip() for row in rows}
        self.staff = {s.staff_id: s for s in Staff.objects.filter(staff_id__in=ids)}
        self.dbns = set(School.objects.values_list("dbn", flat=True))
        self.districts = set(School.objects.values_list("district", flat=True))
        self.agencies = set(Agency.objects.values_list("name", flat=True))

    def parse(self, row: Row) -> dict[str, Any]:
        staff_id = row.digits("staff_id")
        staff = self.staff.get(staff_id)
        if row.ok("staff_id"):
            if staff is None:
                row.problem("staff_id", f"no staff member has staff id {staff_id}")
            elif staff.role != Role.SUPERVISOR:
                row.problem("staff_id", f"staff id {staff_id} is a {staff.role}, not a supervisor")
        scope = row.choice("scope", ScopeKind.choices)
        value = row.text("value")
        if row.ok("scope", "value"):
            if scope == ScopeKind.SCHOOL:
                value = value.upper()
                if value not in self.dbns:
                    row.problem("value", f"no school has DBN {value}")
            elif scope == ScopeKind.DISTRICT:
                if not value.isdigit() or int(value) not in self.districts:
                    row.problem("value", f"no school is in district {value}")
                else:
                    value = str(int(value))
            elif value not in self.agencies:
                row.problem("value", f"no agency is named {value!r}")
        return {"staff": staff, "scope": scope, "value": value}

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        result.add(upsert(AccessScope, ("staff", "scope", "value"), parsed, progress, run=self.current))
