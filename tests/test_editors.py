"""The schema where a content file is typed: the committed schemas are what the model generates,
every YAML content file and every scaffold names its schema on its first line, and VS Code's
settings map the content folders to the same schemas."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from ssk_report import editors
from ssk_report.cli import main
from ssk_report.model import Cohort
from ssk_report.opendata import schemas

from .conftest import CONTENT, ROOT
from .test_opendata import plain


def test_committed_schemas_are_what_the_model_generates() -> None:
    """After a change to the model, `ssk-report schemas` writes them again (and this test says so)."""
    committed = {p.name: p.read_bytes() for p in (ROOT / editors.FOLDER).glob("*.json")}
    assert committed.keys() == editors.schema_files().keys(), "run: ssk-report schemas"
    stale = [name for name, data in editors.schema_files().items() if committed[name] != data]
    assert stale == [], "run: ssk-report schemas"


def test_schemas_command_writes_every_schema_and_removes_a_stale_one(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    (folder / "old.schema.json").write_text("{}")
    (folder / "regency.schema.json").write_text("{}")
    assert main(["schemas", "--out", str(folder)]) == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == editors.schema_files()


def test_every_yaml_content_file_names_its_schema_on_its_first_line() -> None:
    seen = 0
    for kind, where in editors.CONTENT_FILES.items():
        for path in sorted(CONTENT.glob(where)):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            assert first == editors.modeline(kind), path
            schema = (path.parent / first.removeprefix(editors.MODELINE)).resolve()
            assert schema == ROOT / editors.FOLDER / f"{kind}.schema.json", path
            seen += 1
    assert seen == 22  # 5 files of their own, 14 regencies, 3 clinics


def test_every_content_file_validates_against_its_committed_schema_as_an_editor_reads_it() -> None:
    """An editor reads YAML 1.2, where a date is a string: the schema takes dates as YYYY-MM-DD strings."""
    for kind, where in editors.CONTENT_FILES.items():
        schema = json.loads((ROOT / editors.FOLDER / f"{kind}.schema.json").read_text())
        checker = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        for path in sorted(CONTENT.glob(where)):
            data = plain(yaml.safe_load(path.read_text()))
            errors = [f"{e.json_path}: {e.message}" for e in checker.iter_errors(data)]
            assert errors == [], path


def test_a_bad_date_breaks_the_schema_as_it_breaks_validate() -> None:
    schema = json.loads((ROOT / editors.FOLDER / "site.schema.json").read_text())
    checker = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    site = plain(yaml.safe_load((CONTENT / "site.yaml").read_text()))
    assert not list(checker.iter_errors(site))
    assert list(checker.iter_errors({**site, "as_of": "2025-13-40"}))


def test_new_files_name_their_schema(tmp_path: Path) -> None:
    content = tmp_path / "content"
    assert main(["new", "regency", "kota-baru", "--content", str(content)]) == 0
    assert main(["new", "clinic", "2026", "1", "--content", str(content)]) == 0
    assert main(["new", "clinic", "2026", "2", "--provinsi", "62", "--content", str(content)]) == 0
    for path, kind in ((content / "regencies" / "kota-baru.yaml", "regency"),
                       (content / "clinics" / "2026-cc1.yaml", "clinic"),
                       (content / "clinics" / "62" / "2026-cc2.yaml", "clinic")):  # a province's, a folder deeper
        first = path.read_text().splitlines()[0]
        assert first == editors.modeline(kind, path.relative_to(content).as_posix())
        assert (path.parent / first.removeprefix(editors.MODELINE)).resolve() == (
            tmp_path / editors.FOLDER / f"{kind}.schema.json").resolve()


def test_new_files_hold_every_field_of_the_model(tmp_path: Path) -> None:
    """A new file is the whole form on paper: every field of its schema (the model's, but for what the
    build takes from elsewhere: the slug and province from the file's name and folder, the narrative
    and the foreword from Markdown files)."""
    content = tmp_path / "content"
    assert main(["new", "regency", "kota-baru", "--content", str(content)]) == 0
    assert main(["new", "clinic", "2026", "1", "--content", str(content)]) == 0
    regency = yaml.safe_load((content / "regencies" / "kota-baru.yaml").read_text())
    clinic = yaml.safe_load((content / "clinics" / "2026-cc1.yaml").read_text())
    assert list(regency) == list(schemas()["regency"]["properties"])
    assert list(regency["ppsp"]) == list(Cohort.model_fields)
    assert list(clinic) == list(schemas()["clinic"]["properties"])


def test_vscode_maps_each_content_folder_to_its_schema_and_recommends_the_yaml_extension() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text())
    assert settings["yaml.schemas"] == editors.vscode_schemas()
    for schema, globs in settings["yaml.schemas"].items():
        assert (ROOT / schema).is_file()
        for files in [globs] if isinstance(globs, str) else globs:
            # provinces.yaml and a province's clinics (clinics/<code>/) are a national site's
            assert list(ROOT.glob(files)) or files in ("content/provinces.yaml", "content/clinics/*/*.yaml"), files
    extensions = json.loads((ROOT / ".vscode" / "extensions.json").read_text())
    assert "redhat.vscode-yaml" in extensions["recommendations"]
