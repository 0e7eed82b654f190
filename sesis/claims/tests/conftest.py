from sesis.medicaid.tests.conftest import facts, give_facts, sessions  # noqa: F401 (shared fixtures)
