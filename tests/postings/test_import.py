"""import_postings: JSON Lines validated by the posting form, all-or-nothing, idempotent by reference."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from employers.models import EmployerMember
from postings.importing import postings_import
from postings.models import Posting
from tests.factories import ClosedPostingFactory, EmployerFactory, EmployerMemberFactory, TrustedEmployerFactory

pytestmark = pytest.mark.django_db


def record(reference: str, **overrides) -> dict:
    data = {
        "reference": reference,
        "title": "Pharmacy Technician",
        "description": "Fill prescriptions and help patients.",
        "setting": "community-retail",
        "experience": "entry",
        "employment_types": ["full-time"],
        "shifts": ["day", "weekend"],
        "arrangement": "on-site",
        "country": "US",
        "region": "US-TX",
        "city": "Austin",
        "postal_code": "78701",
        "pay_min": 17.5,
        "pay_max": 21,
        "pay_period": "hour",
        "pay_currency": "USD",
        "apply_method": "board",
        "credentials": [{"level": "required", "any_of": ["ptcb-cpht", "nha-excpt"]}],
    }
    return {**data, **overrides}


def jsonl(*records) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"


@pytest.fixture
def employer():
    return EmployerFactory(slug="mercy")


@pytest.fixture
def write(tmp_path):
    def write(*records) -> str:
        path = tmp_path / "postings.jsonl"
        path.write_text(jsonl(*records))
        return str(path)

    return write


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_postings", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_file_imports_and_submits_each_posting(employer, write):
    out, _ = run(write(record("A-1"), record("A-2", title="IV Technician")), "--employer", "mercy")

    assert out.strip() == "Imported 2 postings: 2 new, 0 updated."
    postings = Posting.objects.filter(employer=employer).order_by("reference")
    assert [(p.reference, p.status) for p in postings] == [
        ("A-1", Posting.Status.PENDING),
        ("A-2", Posting.Status.PENDING),
    ]
    assert postings[0].requirements.get().options.count() == 2
    assert postings[0].latitude is not None


def test_a_file_with_a_bad_line_imports_nothing_and_says_which_line_and_why(employer, write):
    path = write(record("A-1"), record("A-2", pay_min=30, pay_max=20), "{not json", record("A-4", region="CA-ON"))

    err = StringIO()
    with pytest.raises(CommandError, match="3 bad lines: nothing was imported"):
        call_command("import_postings", path, "--employer", "mercy", stdout=StringIO(), stderr=err)

    assert not Posting.objects.exists()
    lines = err.getvalue().splitlines()
    assert lines[0] == "line 2: pay_max: The top of the range must not be below the bottom."
    assert lines[1].startswith("line 3: not valid JSON")
    assert lines[2] == "line 4: region: Choose a state or province of the country above."


def test_skip_invalid_imports_the_good_lines(employer, write):
    out, err = run(
        write(record("A-1"), record("A-2", setting="pharmacy"), record("A-3")), "--employer", "mercy", "--skip-invalid"
    )

    assert "Imported 2 postings: 2 new, 0 updated, skipped 1 bad line." in out
    assert "line 2: setting: Choose one of the listed options." in err
    assert set(Posting.objects.values_list("reference", flat=True)) == {"A-1", "A-3"}


def test_reimporting_updates_in_place_and_never_duplicates(employer, write):
    run(write(record("A-1", title="Technician")), "--employer", "mercy")
    first = Posting.objects.get()

    out, _ = run(write(record("A-1", title="Senior Technician", pay_max=24), record("A-2")), "--employer", "mercy")

    assert "1 new, 1 updated" in out
    assert Posting.objects.count() == 2
    first.refresh_from_db()
    assert (first.title, first.pay_max) == ("Senior Technician", 24)
    assert first.requirements.count() == 1


def test_reimporting_the_same_file_twice_changes_nothing(write):
    employer = TrustedEmployerFactory(slug="trusted")
    path = write(record("A-1"))
    run(path, "--employer", "trusted")
    posting = Posting.objects.get()
    events = posting.events.count()

    run(path, "--employer", "trusted")

    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED
    assert posting.events.count() == events
    assert posting.employer == employer


def test_dry_run_validates_and_saves_nothing(employer, write):
    out, _ = run(write(record("A-1"), record("A-2")), "--employer", "mercy", "--dry-run")

    assert out.strip() == "Would import 2 postings: 2 new, 0 updated."
    assert not Posting.objects.exists()


def test_without_employer_each_line_names_its_employer(employer, write):
    other = EmployerFactory(slug="other")
    out, _ = run(write(record("A-1", employer="mercy"), record("A-1", employer="other")))

    assert "2 new" in out
    assert Posting.objects.filter(employer=other).count() == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('["a list"]', "expected a JSON object"),
        (json.dumps(record("")), "reference: every imported posting needs your own reference"),
        (json.dumps(record("A-9", salary=20)), "unknown field 'salary'"),
        (json.dumps(record("A-9", title={"en": "x"})), "title: expected text or a number, not dict"),
        (json.dumps(record("A-9", shifts="day")), "shifts: expected a list of strings"),
        (json.dumps(record("A-9", credentials=[{"any_of": ["cpht"]}])), "unknown credential 'cpht'"),
        (
            json.dumps(record("A-9", credentials=[{"level": "within", "any_of": ["ptcb-cpht"]}])),
            "credentials[1].within_days: Say within how many days of hire.",
        ),
        (json.dumps(record("A-9", employer="other")), "this file is imported for mercy"),
        (
            json.dumps(record("A-9", apply_method="url", apply_url="ftp://x.example.com")),
            "apply_url: Enter a web address",
        ),
        (json.dumps(record("A-9", draft="yes")), "draft: expected true or false"),
    ],
)
def test_each_kind_of_bad_line_is_explained(employer, line, message):
    result = postings_import(lines=[line], employer=employer)

    assert not result.saved
    [error] = result.errors
    assert error.line == 1
    assert message in error.message


def test_a_reference_used_twice_in_one_file_is_reported(employer):
    result = postings_import(lines=[jsonl(record("A-1")), jsonl(record("A-1"))], employer=employer)

    assert str(result.errors[0]) == "line 2: reference: 'A-1' is already used on line 1"


def test_a_closed_posting_is_not_reopened_by_import(employer):
    ClosedPostingFactory(employer=employer, reference="A-1")

    result = postings_import(lines=[json.dumps(record("A-1"))], employer=employer)

    assert "give the new one another reference" in result.errors[0].message


def test_blank_lines_are_skipped_and_numbering_follows_the_file(employer):
    result = postings_import(lines=[json.dumps(record("A-1")), "", "  ", "nope"], employer=employer)

    assert [error.line for error in result.errors] == [4]


def test_drafts_stay_drafts(employer):
    postings_import(lines=[json.dumps(record("A-1", draft=True))], employer=employer)

    assert Posting.objects.get().status == Posting.Status.DRAFT


def test_an_unknown_employer_or_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No employer with the slug 'nope'"):
        run(str(tmp_path / "x.jsonl"), "--employer", "nope")
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.jsonl"))


def test_the_documented_example_imports(employer):
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "import-format.md").read_text()
    example = doc.split("```jsonl\n", 1)[1].split("```", 1)[0]

    result = postings_import(lines=example.splitlines(), employer=employer, dry_run=True)

    assert not result.errors, result.errors
    assert result.created == 2


# -- Hostile lines: each is a line error, never an exception (the upload page answered 500) ---------------

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (DEEP, "nested too deeply"),
        ('{"pay_min": ' + "9" * 5_000 + "}", "not valid JSON"),
        ('{"reference": ' + "[" * 5_000 + "]" * 5_000 + "}", "nested too deeply"),
        (json.dumps(record("A-9", title="Technician \ud800")), "title: Remove the control or broken character"),
        (json.dumps(record("A-9\udfff")), "reference: Remove the control or broken character"),
        (json.dumps(record("A-9", employer="mercy\ud800")), "employer: Remove the control or broken character"),
        (json.dumps({**record("A-9"), "\ud800": 1}), "Remove the control or broken character"),
        (json.dumps(record("A-9", systems=["Pyxis\x00"])), "systems: Remove the control or broken character"),
        (json.dumps(record("A-9", credentials=[{"any_of": ["ptcb-cpht\x00"]}])), "Remove the control or broken"),
    ],
)
def test_hostile_lines_are_line_errors(employer, line, message):
    result = postings_import(lines=[json.dumps(record("A-1")), line], employer=employer)

    assert not result.saved
    [error] = result.errors
    assert error.line == 2
    assert message in error.message
    assert not Posting.objects.exists()


def test_a_hostile_line_is_skipped_when_asked(employer):
    result = postings_import(
        lines=[json.dumps(record("A-1")), DEEP, json.dumps(record("A-2", city="Austin\ud800"))],
        employer=employer,
        skip_invalid=True,
    )

    assert [error.line for error in result.errors] == [2, 3]
    assert list(Posting.objects.values_list("reference", flat=True)) == ["A-1"]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs", "Cc", "Cs"]), max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(st.sampled_from([*record("x"), "employer", "draft", "systems"]), json_values))
@example(changes={"title": "\ud800"})
@example(changes={"reference": "\x00"})
@example(changes={"systems": ["\x00"]})
def test_garbage_in_any_field_of_a_line_is_a_line_error_or_a_posting(employer, changes):
    before = Posting.objects.count()  # the examples share one test's database

    result = postings_import(lines=[json.dumps({**record("A-1"), **changes})], employer=employer)

    assert result.saved != bool(result.errors)
    assert Posting.objects.count() - before == (0 if result.errors else result.created)


# -- The dashboard upload --------------------------------------------------------------------------


@pytest.fixture
def member_client(client, employer):
    client.force_login(EmployerMemberFactory(employer=employer, role=EmployerMember.Role.RECRUITER).user)
    return client


def upload(content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("postings.jsonl", content.encode(), content_type="application/jsonl")


def test_the_upload_form_imports_with_the_same_rules(member_client, employer):
    url = reverse("dashboard:posting-import", args=[employer.slug])

    bad = member_client.post(url, {"file": upload(jsonl(record("A-1"), record("A-2", pay_period="week")))})
    good = member_client.post(url, {"file": upload(jsonl(record("A-1"), record("A-2")))})

    assert "Nothing was imported" in bad.content.decode()
    assert "pay_period: Choose one of the listed options." in bad.content.decode()
    assert "Imported 2 postings: 2 new, 0 updated" in good.content.decode()
    assert Posting.objects.filter(employer=employer).count() == 2
    assert Posting.objects.filter(created_by__isnull=False).count() == 2


def test_the_upload_page_lists_hostile_lines_with_a_4xx(member_client, employer):
    lines = jsonl(record("A-1"), DEEP, record("A-3", title="IV \ud800"), record("A-4", systems=["Pyxis\x00"]))

    response = member_client.post(reverse("dashboard:posting-import", args=[employer.slug]), {"file": upload(lines)})

    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "nested too deeply" in html
    assert html.count("Remove the control or broken character") == 2
    assert not Posting.objects.exists()


def test_the_upload_form_refuses_big_files(member_client, employer, settings):
    settings.IMPORT_UPLOAD_MAX_LINES = 1

    response = member_client.post(
        reverse("dashboard:posting-import", args=[employer.slug]), {"file": upload(jsonl(record("A-1"), record("A-2")))}
    )

    assert "more than 1 lines" in response.content.decode()
    assert not Posting.objects.exists()
