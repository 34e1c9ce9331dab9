"""The browser editor, admin/: its fields come from the model, ids of other files are chosen from
lists, it is left out (with one line saying how to install it) when its files are not installed, it
loads nothing from another host, and a content file saved through its forms keeps every value."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from ssk_report import admin, editors
from ssk_report.demo import write_demo
from ssk_report.errors import ContentError
from ssk_report.model import Content
from ssk_report.opendata import schemas, split_description
from ssk_report.pipeline import Settings, load_content

from .conftest import CONTENT, ROOT, run_build

CMS_DIR = ROOT / "cms"
INSTALL = "the browser editor's files are needed: scripts/setup.sh --test (npm ci in cms/)"
YAML_FILES = [(kind, path) for kind, where in editors.CONTENT_FILES.items() if kind != "map"
              for path in sorted(CONTENT.glob(where))]
PAGES = sorted((CONTENT / "pages").glob("*.md"))


@pytest.fixture(scope="module")
def admin_folder(tmp_path_factory: pytest.TempPathFactory, content: Content) -> Path:
    """admin/ as the build writes it for the Kalteng content."""
    assert admin.installed_versions(CMS_DIR), INSTALL
    folder = tmp_path_factory.mktemp("admin")
    for path, data in admin.admin_files(content, CMS_DIR).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    return folder


def form_fields(content: Content, kind: str) -> list[dict[str, Any]]:
    """The fields of the form that edits files of type `kind`."""
    for collection in admin.config(content)["collections"]:
        if kind == "page" and collection["name"] == admin.PAGES:
            return list(collection["fields"])
        for entry in [collection, *collection.get("files", [])]:
            if entry.get("format") == admin.format_name(kind):
                return list(entry["fields"])
    raise KeyError(kind)


def cms_save(folder: Path, content: Content, files: list[tuple[str, str, list[Any]]]) -> list[str]:
    """Each (file type, text, edits) saved as the editor saves it (tests/cms_save.mjs)."""
    node = shutil.which("node")
    assert node, INSTALL
    formats = admin.formats()
    request = {"admin": str(folder), "files": [
        {"description": formats.get(admin.format_name(kind)), "fields": form_fields(content, kind), "text": text,
         "set": edits} for kind, text, edits in files]}
    done = subprocess.run([node, str(ROOT / "tests" / "cms_save.mjs")], input=json.dumps(request), text=True,
                          capture_output=True, check=True)
    return list(json.loads(done.stdout))


# ---- The configuration, from the model ----------------------------------------------------------------


def test_every_field_of_the_model_has_a_form_field_with_its_indonesian_label(content: Content) -> None:
    for kind in ("site", "sources", "milestones", "indicators", "regency", "clinic"):
        schema = schemas()[kind]
        fields = form_fields(content, kind)
        assert [f["name"] for f in fields] == list(schema["properties"]), kind
        for field in fields:
            label, help_text = split_description(schema["properties"][field["name"]]["description"])
            assert (field["label"], field.get("hint", "")) == (label, help_text), (kind, field["name"])
    regency = {f["name"]: f for f in form_fields(content, "regency")}
    assert regency["capital"]["label"] == "Ibu kota" and not regency["capital"]["required"]
    assert regency["name"]["required"] and regency["type"]["options"] == ["kabupaten", "kota"]
    assert [f["name"] for f in regency["ppsp"]["fields"]] == [
        "m1_m3_year", "m4_year", "source", "m1_m3_source", "note"]
    assert regency["ppsp"]["fields"][1] | {"hint": ""} == {
        "name": "m4_year", "label": "Tahun M4", "widget": "number", "value_type": "int", "min": 2010, "max": 2035,
        "required": False, "hint": ""}
    note = {f["name"]: f for f in regency["notes"]["fields"]}  # dated notes, each a record
    assert [(name, f["label"]) for name, f in note.items()] == [("date", "Tanggal"), ("text", "Teks"),
                                                                ("source", "Sumber")]
    assert note["date"]["widget"] == "datetime" and note["source"]["value_field"] == "sources.*.id"
    assert note["text"]["fields"][0]["label"] == "Bahasa Indonesia"


def test_ids_of_other_files_are_chosen_from_their_lists(content: Content) -> None:
    regency = {f["name"]: f for f in form_fields(content, "regency")}
    assert regency["sources"] | {"hint": "", "label": ""} == {
        "name": "sources", "label": "", "widget": "relation", "multiple": True, "collection": "pengaturan",
        "file": "sumber", "value_field": "sources.*.id", "search_fields": ["sources.*.id", "sources.*.title"],
        "display_fields": ["sources.*.title"], "required": False, "hint": ""}
    assert regency["population"]["fields"][2]["value_field"] == "sources.*.id"
    clinic = {f["name"]: f for f in form_fields(content, "clinic")}
    participant = {f["name"]: f for f in clinic["participants"]["fields"]}
    assert (participant["regency"]["collection"], participant["regency"]["value_field"]) == ("kabupaten", "{{slug}}")
    assert clinic["scope"]["value_field"] == "subsectors.*.id"
    assert clinic["milestone_focus"]["value_field"] == "milestones.*.id"
    indicators = {f["name"]: f for f in form_fields(content, "indicators")}
    assert {f["name"]: f.get("value_field") for f in indicators["targets"]["fields"]}["indicator"] == "indicators.*.id"


def test_a_regencys_values_have_a_list_for_each_indicator_of_the_catalogue(content: Content) -> None:
    values = {f["name"]: f for f in form_fields(content, "regency")}["indicators"]
    assert [(f["name"], f["label"]) for f in values["fields"]] == [(i.id, i.name.id) for i in content.indicators]
    assert [f["name"] for f in values["fields"][0]["fields"]] == ["year", "value", "source"]


def test_without_a_git_host_the_editor_offers_the_local_folder_only(content: Content) -> None:
    assert content.site.cms is not None and content.site.cms.backend is None
    files = admin.admin_files(content, CMS_DIR) if admin.installed_versions(CMS_DIR) else None
    assert files is not None, INSTALL
    assert yaml.safe_load(files["config.yml"])["backend"] == {"name": "github", "repo": admin.LOCAL_REPOSITORY}
    page = files["index.html"].decode()
    assert 'id="ssk-local-only"' in page and "ssk-report serve" in page
    hosted = content.model_copy(update={"site": content.site.model_copy(update={"cms": admin.Cms(
        backend="gitlab", repo="pokja/konten", branch="utama")})})
    files = admin.admin_files(hosted, CMS_DIR)
    assert yaml.safe_load(files["config.yml"])["backend"] == {"name": "gitlab", "repo": "pokja/konten",
                                                              "branch": "utama"}
    assert "ssk-local-only" not in files["index.html"].decode()


def test_a_git_host_needs_its_repository(content_dir: Path) -> None:
    site = content_dir / "site.yaml"
    site.write_text(site.read_text().replace("cms:\n  enabled: true", "cms:\n  enabled: true\n  backend: github"))
    with pytest.raises(ContentError) as caught:
        load_content(Settings(content_dir=content_dir))
    assert [p.message for p in caught.value.problems] == [
        "isi backend dan repo bersama-sama (mis. backend: github, repo: pemilik/nama), atau kosongkan keduanya"
        " untuk mode folder lokal saja"]


# ---- The build ------------------------------------------------------------------------------------------


def test_the_admin_page_loads_nothing_from_another_host(admin_folder: Path) -> None:
    script = (admin_folder / "sveltia-cms.js").read_text()
    for address in ("cdn.jsdelivr.net", "https://unpkg.com/@sveltia/cms`", "githubstatus.com/api"):
        assert address not in script
    for font in ("material-symbols-outlined-latin-wght-normal", "source-sans-3-latin-wght-normal",
                 "noto-mono-latin-400-normal"):
        assert f"`fonts/{font}.woff2`" in script or f"fonts/{font}.woff2)" in script
        assert (admin_folder / "fonts" / f"{font}.woff2").stat().st_size > 10_000
    assert json.loads((admin_folder / "sveltia" / "package.json").read_text())["name"] == "@sveltia/cms"
    page = (admin_folder / "index.html").read_text()
    assert "http://" not in page.replace("http://127.0.0.1:8000/admin/", "") and "https://" not in page
    for licence in ("sveltia/LICENSE.txt", "yaml/LICENSE", "fonts/material-symbols-outlined-LICENSE"):
        assert (admin_folder / licence).is_file()


def test_without_the_cms_files_the_build_says_how_to_install_them_and_leaves_admin_out(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="ssk_report.admin"):
        out = run_build(tmp_path, pdf=False, cms_dir=tmp_path / "nowhere")
    assert (out / "index.html").is_file() and not (out / "admin").exists()
    assert [r.getMessage() for r in caplog.records] == [
        "Halaman admin/ (formulir penyuntingan) dilewati: berkas Sveltia CMS belum dipasang; jalankan"
        " scripts/setup.sh"]
    assert admin.installed_versions(CMS_DIR), INSTALL
    run_build(tmp_path, pdf=False)  # installed since: the build is not "unchanged", it adds admin/
    assert (out / "admin" / "index.html").is_file()


def test_a_cms_version_whose_addresses_are_unknown_is_left_out(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                               content: Content) -> None:
    assert admin.installed_versions(CMS_DIR), INSTALL
    copy = tmp_path / "cms"
    shutil.copytree(CMS_DIR / "node_modules", copy / "node_modules", ignore=shutil.ignore_patterns(
        "*.map", "npm", "locales", "@shikijs", "terra-draw*", "leaflet", "svgo", "*.woff"))
    script = copy / "node_modules" / admin.CMS / "dist" / "sveltia-cms.js"
    script.write_text(script.read_text().replace("https://unpkg.com/@sveltia/cms`", "https://unpkg.com/@sveltia/x`"))
    with pytest.raises(admin.IncompleteInstall, match="versi @sveltia/cms ini tidak dikenal"):
        admin.admin_files(content, copy)


def test_a_changed_site_title_makes_admin_again(tmp_path: Path, content_dir: Path) -> None:
    """admin/ is kept in the store by what it is made of: the site's title is on its page."""
    assert admin.installed_versions(CMS_DIR), INSTALL
    store = tmp_path / "store"
    out = run_build(tmp_path, content_dir, pdf=False, cache_dir=store)
    assert "Progres Sanitasi Permukiman Kalimantan Tengah" in (out / "admin" / "index.html").read_text()
    site = content_dir / "site.yaml"
    site.write_text(site.read_text().replace("id: Progres Sanitasi Permukiman Kalimantan Tengah",
                                             "id: Progres Sanitasi Uji", 1))
    page = (run_build(tmp_path, content_dir, pdf=False, cache_dir=store) / "admin" / "index.html").read_text()
    assert "Progres Sanitasi Uji" in page and "Kalimantan Tengah" not in page


def test_no_cms_block_or_a_disabled_one_makes_no_admin_page(tmp_path: Path, content_dir: Path) -> None:
    site = content_dir / "site.yaml"
    site.write_text(site.read_text().replace("cms:\n  enabled: true", "cms:\n  enabled: false"))
    assert not (run_build(tmp_path / "disabled", content_dir, pdf=False) / "admin").exists()
    site.write_text(site.read_text().replace("cms:\n  enabled: false\n", ""))
    assert not (run_build(tmp_path / "absent", content_dir, pdf=False) / "admin").exists()


# ---- Nothing lost in a round trip -----------------------------------------------------------------------


def test_every_kalteng_file_saved_through_the_form_keeps_the_model(tmp_path: Path, content: Content,
                                                                   admin_folder: Path) -> None:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    files = [*YAML_FILES, *(("page", path) for path in PAGES)]
    texts = cms_save(admin_folder, content, [(kind, path.read_text(), []) for kind, path in files])
    for (kind, path), text in zip(files, texts, strict=True):
        if kind != "page":
            assert text.splitlines()[0] == editors.modeline(kind), path  # the schema's line stays
        (copy / path.relative_to(CONTENT)).write_text(text)
    assert load_content(Settings(content_dir=copy)).model_dump() == content.model_dump()
    assert [p.read_text() for p in PAGES] == texts[len(YAML_FILES):]  # the pages: as they were


def test_the_form_writes_keys_in_the_models_order_quotes_codes_and_dates(content: Content,
                                                                         admin_folder: Path) -> None:
    lamandau, site, clinic = cms_save(admin_folder, content, [
        ("regency", (CONTENT / "regencies" / "lamandau.yaml").read_text(), []),
        ("site", (CONTENT / "site.yaml").read_text(), []),
        ("clinic", (CONTENT / "clinics" / "2025-cc7.yaml").read_text(), [])])
    data = yaml.safe_load(lamandau)
    order = list(schemas()["regency"]["properties"])
    assert list(data) == sorted(data, key=order.index)
    assert "kemendagri_code: '62.09'\nbps_code: '6207'\n" in lamandau
    assert "pokja" not in data and "documents" not in data  # empty: left out, as the model's default
    assert "as_of: '2025-11-06'\n" in site  # a date: quoted, read back as the same date
    assert "start: '2025-11-06'\nend: '2025-11-06'\n" in clinic


def test_the_kalteng_files_write_their_keys_in_the_models_order() -> None:
    """As the form writes them: a file saved through it then moves no key, its diff shows the edit only."""
    for kind, path in YAML_FILES:
        order = list(schemas()[kind]["properties"])
        keys = list(yaml.safe_load(path.read_text()))
        assert keys == sorted(keys, key=order.index), path


def test_a_value_yaml_1_1_reads_as_something_else_is_quoted(content: Content, admin_folder: Path) -> None:
    """`yes`, `10:30` or `2025-01-01` typed in a text field stay texts (PyYAML reads YAML 1.1)."""
    text = (CONTENT / "regencies" / "lamandau.yaml").read_text()
    for typed in ("yes", "10:30", "2025-01-01", "0b11", "~"):
        saved = cms_save(admin_folder, content, [("regency", text, [[["capital"], typed]])])[0]
        assert yaml.safe_load(saved)["capital"] == typed


def test_a_text_written_as_a_plain_string_is_edited_and_saved_as_its_languages(content: Content,
                                                                                admin_folder: Path) -> None:
    text = (CONTENT / "regencies" / "kapuas.yaml").read_text()
    start = text.index("notes:\n")
    plain = text[:start] + "notes:\n  - date: 2025-08-12\n    source: berita-cc1-2025\n    text: Catatan singkat.\n"
    saved = cms_save(admin_folder, content, [("regency", plain, [])])[0]
    assert saved.endswith("notes:\n  - date: '2025-08-12'\n    text:\n      id: Catatan singkat.\n"
                          "    source: berita-cc1-2025\n")


def test_the_kalteng_content_has_no_comment_a_form_would_lose() -> None:
    """What a comment says is lost when the form saves the file: it belongs in a field (a note)."""
    comments = []
    for _, path in YAML_FILES:
        lines = path.read_text().splitlines(keepends=True)
        whole = yaml.safe_load("".join(lines))
        for number, line in enumerate(lines[1:], start=2):  # the first line names the schema
            if "#" not in line:
                continue
            cut = line[:line.index("#")].rstrip() + "\n"
            try:
                same = yaml.safe_load("".join([*lines[:number - 1], cut, *lines[number:]])) == whole
            except yaml.YAMLError:
                same = False
            if same:
                comments.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert comments == []


# ---- A national site ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def national_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("national") / "content", 60)


def test_a_national_site_edits_its_provinces_and_each_provinces_clinics(national_demo: Path) -> None:
    national = load_content(Settings(content_dir=national_demo))
    config = admin.config(national)
    settings = {f["name"]: f for f in config["collections"][0]["files"]}
    assert settings["provinsi"]["file"] == "content/provinces.yaml"
    province = {f["name"]: f for f in settings["provinsi"]["fields"][0]["fields"]}
    assert province["regency_count"]["label"] == "Jumlah kabupaten/kota"
    folders = {c["folder"]: c for c in config["collections"] if c.get("format") == admin.format_name(
        admin.PROVINCE_CLINIC)}
    assert list(folders) == [f"content/clinics/{p.kemendagri_code}"
                             for p in sorted(national.provinces, key=lambda p: p.kemendagri_code)]
    targets = {f["name"]: f for f in form_fields(national, "indicators")}["targets"]
    area = {f["name"]: f for f in targets["fields"]}["area"]
    assert (area["widget"], area["file"], area["value_field"]) == (
        "relation", "provinsi", "provinces.*.kemendagri_code")


def test_a_provinces_site_has_no_provinces_to_choose_from(content: Content) -> None:
    assert "provinsi" not in [f["name"] for f in admin.config(content)["collections"][0]["files"]]
    assert not [c for c in admin.config(content)["collections"] if c.get("format") == admin.format_name(
        admin.PROVINCE_CLINIC)]
    targets = {f["name"]: f for f in form_fields(content, "indicators")}["targets"]
    area = {f["name"]: f for f in targets["fields"]}["area"]
    assert area["widget"] == "string" and area["pattern"][0] == "^[0-9]{2}$"


def test_national_files_saved_through_the_form_keep_the_model(national_demo: Path, tmp_path: Path,
                                                              admin_folder: Path) -> None:
    """provinces.yaml, the indicators with their areas and a province's clinic, whose first line names
    the schema one folder further up."""
    national = load_content(Settings(content_dir=national_demo))
    code = sorted(p.name for p in (national_demo / "clinics").iterdir() if p.is_dir())[0]
    files = [("provinces", "provinces.yaml"), ("indicators", "indicators.yaml"),
             (admin.PROVINCE_CLINIC, f"clinics/{code}/2025-cc1.yaml")]
    texts = cms_save(admin_folder, national, [(kind, (national_demo / path).read_text(), []) for kind, path in files])
    copy = Path(shutil.copytree(national_demo, tmp_path / "content"))
    for (kind, path), text in zip(files, texts, strict=True):
        first = text.splitlines()[0]
        schema = "clinic" if kind == admin.PROVINCE_CLINIC else kind
        assert ((ROOT / "content" / path).parent / first.removeprefix(editors.MODELINE)).resolve() == (
            ROOT / editors.FOLDER / f"{schema}.schema.json"), path
        (copy / path).write_text(text)
    assert load_content(Settings(content_dir=copy)).model_dump() == national.model_dump()
