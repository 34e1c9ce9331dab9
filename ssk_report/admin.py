"""The browser editor, admin/: forms for the content files, made with Sveltia CMS (docs/design.md
says why that one), for people who keep the data without knowing YAML.

One source of truth: the CMS's collections and fields are generated here from the content files'
JSON Schemas (opendata.schemas, themselves generated from the model), with the model's Indonesian
labels and help texts; an id that names a record of another file is chosen from a list of those
records. What a form cannot check (that an id exists, that a clinic's progress years agree with the
regencies' M4 years) is left to `ssk-report validate`. The map's layout (pairs of numbers per
regency) has no form; it is edited as text.

The page edits the repository through the git host named in site.yaml's `cms:`, or, on a laptop,
a folder of it (the CMS's local-folder mode, in Chrome or Edge, through `ssk-report serve`).
Everything it loads comes from the site itself: scripts/setup.sh installs the CMS's files from npm
into cms/node_modules/ (versions pinned by cms/package-lock.json), and the fonts and the update
check that the CMS's bundle names on public CDNs are replaced by copies of the same files from npm.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any

import jinja2
import yaml

from . import editors, keys
from .model import REFERS_TO, Cms, Content
from .opendata import schemas, split_description
from .products import RenderContext, Tally, Units
from .publish import Staging
from .store import Store

FOLDER = "admin"
INSTALL = "scripts/setup.sh"  # installs the CMS's files (cms/package.json) with the rest
LOG = logging.getLogger(__name__)
CMS = "@sveltia/cms"
YAML = "yaml"
FONTS = ("@fontsource-variable/material-symbols-outlined", "@fontsource-variable/source-sans-3",
         "@fontsource/noto-mono")
# What the CMS's bundle fetches from other hosts, and what of the site it fetches instead: fonts of
# its interface (from npm); an update check (`<base>/package.json`, answered by its own package.json:
# no update is announced); the git host's status page (answered by an empty status: not known).
_FONT = re.compile(r"https://cdn\.jsdelivr\.net/fontsource/fonts/([a-z0-9-]+)(:vf)?@([0-9.]+)/([a-z0-9-]+\.woff2)")
_ELSEWHERE = {"`https://unpkg.com/@sveltia/cms`": "`sveltia`",
              "`https://www.githubstatus.com/api/v2/status.json`": "`sveltia/status.json`"}
# With no git host, the CMS still needs a repository's name for its local-folder mode: a label only
# (the page shows it when asking for the folder), never contacted.
LOCAL_REPOSITORY = "lokal/ssk-report"
LOCALES = ("id", "en")


class Admin:
    """The product: one unit, the admin/ folder, made from the content's schemas and catalogue, the
    cms settings and the installed CMS files."""

    def __init__(self, context: RenderContext, packages: Path) -> None:
        self.context, self.packages = context, packages

    def publish(self, out: Staging, store: Store) -> Tally:
        settings = self.context.content.site.cms
        if settings is None or not settings.enabled:
            return Tally()
        installed = installed_versions(self.packages)
        if installed is None:
            LOG.warning("Halaman admin/ (formulir penyuntingan) dilewati: berkas Sveltia CMS belum dipasang;"
                        " jalankan %s", INSTALL)
            return Tally()
        made_of = _made_of(self.context.content)
        units = Units(store, "admin", lambda unit, reads: keys.combine(
            [self.context.code, installed, json.dumps(made_of, sort_keys=True)]))
        made = units.reuse(FOLDER)
        fresh = made is None
        if made is None:
            try:
                made = _files(self.packages, **made_of)
            except IncompleteInstall as problem:
                LOG.warning("Halaman admin/ dilewati: %s; jalankan %s", problem, INSTALL)
                units.close()
                return Tally()
            units.keep(FOLDER, (), made)
        units.close()
        for path, data in made.items():
            out.write(f"{FOLDER}/{path}", data)
        return Tally(1, int(fresh))


class IncompleteInstall(Exception):
    """The CMS's files in cms/node_modules/ are missing, or are not the versions this code knows."""


def installed_versions(packages: Path) -> str | None:
    """What the admin page is made of, as installed (a digest of the packages' package.json files);
    None when any is missing."""
    try:
        found = [(packages / "node_modules" / name / "package.json").read_bytes() for name in (CMS, YAML, *FONTS)]
    except OSError:
        return None
    return keys.combine(keys.bytes_digest(data) for data in found)


def admin_files(content: Content, packages: Path) -> dict[str, bytes]:
    """Every file of admin/ by its path in it."""
    return _files(packages, **_made_of(content))


def _made_of(content: Content) -> dict[str, Any]:
    """All that admin/ takes from the content (the key of the unit in the store, and _files' input)."""
    return {"site_config": config(content), "site_title": content.site.title.id,
            "local_only": (content.site.cms or Cms()).backend is None}


def _files(packages: Path, site_config: dict[str, Any], site_title: str, local_only: bool) -> dict[str, bytes]:
    files = _vendor(packages / "node_modules")
    files["config.yml"] = yaml.dump(site_config, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                                    width=1000).encode()
    page = _PAGES.get_template("index.html.j2").render(site_title=site_title, local_only=local_only,
                                                       formats=formats())
    files["index.html"] = page.encode()
    files["formats.js"] = package_files("ssk_report").joinpath("editor/formats.js").read_bytes()
    return files


class _Dumper(yaml.SafeDumper):
    """Writes a value used twice (the same relation in many fields) twice, not as a YAML alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_PAGES = jinja2.Environment(loader=jinja2.PackageLoader("ssk_report", "editor"), autoescape=True,
                            undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _vendor(modules: Path) -> dict[str, bytes]:
    """The CMS's script with its CDN addresses replaced by files of the site, those files, the YAML
    library formats.js reads and writes with, and each package's licence."""
    try:
        script = (modules / CMS / "dist" / "sveltia-cms.js").read_text(encoding="utf-8")
        files = {"sveltia/package.json": (modules / CMS / "package.json").read_bytes(),
                 "sveltia/LICENSE.txt": (modules / CMS / "LICENSE.txt").read_bytes(),
                 "sveltia/status.json": b"{}\n"}
        for address, here in _ELSEWHERE.items():
            if script.count(address) != 1:
                raise IncompleteInstall(f"versi {CMS} ini tidak dikenal (alamat {address} tidak ditemukan)")
            script = script.replace(address, here)

        def local_font(match: re.Match[str]) -> str:
            family, variable, version, name = match.groups()
            package = modules / f"@fontsource{'-variable' if variable else ''}" / family
            if json.loads((package / "package.json").read_text())["version"] != version:
                raise IncompleteInstall(f"{package.name} {version} diperlukan oleh {CMS}")
            files[f"fonts/{family}-{name}"] = (package / "files" / f"{family}-{name}").read_bytes()
            files[f"fonts/{family}-LICENSE"] = (package / "LICENSE").read_bytes()
            return f"fonts/{family}-{name}"

        script = _FONT.sub(local_font, script)
        files["sveltia-cms.js"] = script.encode()
        library = modules / YAML / "browser" / "dist"
        files |= {f"yaml/{path.relative_to(library).as_posix()}": path.read_bytes()
                  for path in sorted(library.rglob("*.js"))}
        files["yaml/LICENSE"] = (modules / YAML / "LICENSE").read_bytes()
    except (OSError, ValueError, KeyError) as error:
        raise IncompleteInstall(f"berkas CMS tidak lengkap ({error})") from None
    return files


# ---- The CMS's configuration, from the schemas --------------------------------------------------------

# The collections: the files of their own in one group, then one folder collection per kind of file.
SETTINGS = "pengaturan"
SETTINGS_FILES = {  # file type -> (name in the CMS, label)
    "site": ("situs", "Situs"),
    "sources": ("sumber", "Sumber"),
    "provinces": ("provinsi", "Provinsi"),  # a national site's only
    "milestones": ("tahapan", "Tahapan PPSP"),
    "indicators": ("indikator", "Indikator dan target"),
}
REGENCIES, CLINICS, PAGES = "kabupaten", "klinik", "halaman"
# Where a referred id is chosen from (model.REFERS_TO): the collection, the list, the label shown.
_RELATIONS = {
    "sources": {"collection": SETTINGS, "file": "sumber", "value_field": "sources.*.id",
                "search_fields": ["sources.*.id", "sources.*.title"], "display_fields": ["sources.*.title"]},
    "indicators": {"collection": SETTINGS, "file": "indikator", "value_field": "indicators.*.id",
                   "search_fields": ["indicators.*.id", "indicators.*.name.id"],
                   "display_fields": ["indicators.*.name.id"]},
    "subsectors": {"collection": SETTINGS, "file": "indikator", "value_field": "subsectors.*.id",
                   "search_fields": ["subsectors.*.id", "subsectors.*.name.id"],
                   "display_fields": ["subsectors.*.name.id"]},
    "milestones": {"collection": SETTINGS, "file": "tahapan", "value_field": "milestones.*.id",
                   "search_fields": ["milestones.*.id", "milestones.*.name.id"],
                   "display_fields": ["milestones.*.id"]},
    "regencies": {"collection": REGENCIES, "value_field": "{{slug}}", "search_fields": ["name"],
                  "display_fields": ["name"]},
    "provinces": {"collection": SETTINGS, "file": "provinsi", "value_field": "provinces.*.kemendagri_code",
                  "search_fields": ["provinces.*.kemendagri_code", "provinces.*.name"],
                  "display_fields": ["provinces.*.name"]},
}
# On a national site, a province's clinics (clinics/<code>/): a folder deeper, so their files' first
# line names the schema one level further up.
PROVINCE_CLINIC = "clinic-provinsi"


def format_name(kind: str) -> str:
    return f"ssk-{kind}"


def formats() -> dict[str, dict[str, Any]]:
    """formats.js's description of each YAML file type: its first line, and where its texts are."""
    found = {format_name(kind): {"modeline": editors.modeline(kind), "texts": list(_text_paths(schemas()[kind]))}
             for kind in editors.CONTENT_FILES if kind != "map"}
    found[format_name(PROVINCE_CLINIC)] = {**found[format_name("clinic")],
                                           "modeline": editors.modeline("clinic", editors.PROVINCE_CLINICS)}
    return found


def config(content: Content) -> dict[str, Any]:
    """The CMS's configuration (config.yml) for this content."""
    cms = content.site.cms or Cms()
    backend: dict[str, Any] = {"name": cms.backend or "github", "repo": cms.repo or LOCAL_REPOSITORY}
    backend |= {key: value for key, value in (("branch", cms.branch), ("base_url", cms.base_url)) if value}
    fields = _Fields(content)
    national = content.site.scope == "nation"
    settings = [kind for kind in SETTINGS_FILES if national or kind != "provinces"]
    return {
        "backend": backend,
        "media_folder": "",  # no file is uploaded: content holds no images
        "output": {"omit_empty_optional_fields": True},  # an empty optional field: left out, as the model's default
        "slug": {"encoding": "ascii", "clean_accents": True, "lowercase": True},
        # A page's languages are files of their own: pages/<slug>.md and pages/<slug>.en.md.
        "i18n": {"structure": "multiple_files", "locales": list(LOCALES), "default_locale": "id",
                 "omit_default_locale_from_file_path": True},
        "editor": {"preview": False},
        "collections": [
            {"name": SETTINGS, "label": "Pengaturan dan katalog", "files": [
                {"name": name, "label": label, "file": f"content/{editors.CONTENT_FILES[kind]}",
                 "format": format_name(kind), "fields": fields.of(kind)}
                for kind, (name, label) in ((kind, SETTINGS_FILES[kind]) for kind in settings)]},
            {"name": REGENCIES, "label": "Kabupaten/kota", "label_singular": "Kabupaten/kota",
             "folder": "content/regencies", "extension": "yaml", "format": format_name("regency"),
             "identifier_field": "name", "slug": "{{name}}", "summary": "{{name}}", "sortable_fields": ["name"],
             "create": True, "fields": fields.of("regency")},
            {"name": CLINICS, "label": "Coaching clinic", "label_singular": "Coaching clinic",
             "folder": "content/clinics", "extension": "yaml", "format": format_name("clinic"),
             "identifier_field": "number", "slug": "{{cycle_year}}-cc{{number}}",
             "summary": "CC{{number}} {{cycle_year}}", "create": True, "fields": fields.of("clinic")},
            *(_province_clinics(content, fields.of("clinic")) if national else []),
            {"name": PAGES, "label": "Halaman", "label_singular": "Halaman", "folder": "content/pages",
             "extension": "md", "format": "frontmatter", "identifier_field": "title", "create": False,
             "i18n": True, "fields": fields.page()},
        ],
    }


def _province_clinics(content: Content, fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A national site's clinics of each province of provinces.yaml, one collection per province
    (its folder, clinics/<code>/), in code order."""
    return [{"name": f"{CLINICS}-{p.kemendagri_code}", "label": f"CC {p.name}",  # short: the menu is narrow
             "label_singular": f"Coaching clinic {p.name}", "folder": f"content/clinics/{p.kemendagri_code}",
             "extension": "yaml", "format": format_name(PROVINCE_CLINIC), "identifier_field": "number",
             "slug": "{{cycle_year}}-cc{{number}}", "summary": "CC{{number}} {{cycle_year}}", "create": True,
             "fields": fields}
            for p in sorted(content.provinces, key=lambda p: p.kemendagri_code)]


class _Fields:
    """CMS fields from a file type's JSON Schema."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.definitions: dict[str, Any] = {}

    def of(self, kind: str) -> list[dict[str, Any]]:
        schema = schemas()[kind]
        self.definitions = schema.get("$defs", {})
        return self._object(schema)

    def page(self) -> list[dict[str, Any]]:
        """A page's fields, each language in its own file (pages/<slug>.md and <slug>.en.md): its texts
        as plain strings, the Markdown body as the file's text (edited as it is, character for
        character: no rich-text editor rewrites it)."""
        schema = schemas()["page"]
        self.definitions = schema.get("$defs", {})
        found = []
        for name, node in schema["properties"].items():
            label, help_text = split_description(node["description"])
            if self._definition(node) == "Text":
                found.append(_described({"name": name, "label": label, "widget": "text", "i18n": True},
                                        help_text))
            else:
                found.append(self._field(name, node, name in schema.get("required", [])))
        found.append({"name": "body", "label": "Isi", "widget": "text", "i18n": True,
                      "hint": "Teks Markdown halaman."})
        return found

    def _object(self, node: dict[str, Any]) -> list[dict[str, Any]]:
        required = set(node.get("required", []))
        return [self._field(name, field, name in required) for name, field in node["properties"].items()]

    def _field(self, name: str, node: dict[str, Any], required: bool) -> dict[str, Any]:
        label, help_text = split_description(node.get("description", name))
        default = node.get("default")
        node, nullable = self._resolve(node)
        field = {"name": name, "label": label, **self._widget(node), "required": required and not nullable}
        if isinstance(default, str | int | float):  # a new file's value (not a record's)
            field["default"] = default
        return _described(field, help_text)

    def _widget(self, node: dict[str, Any]) -> dict[str, Any]:
        """What edits a value of `node`, its nullability and description already taken care of."""
        if self._definition(node) == "Text":
            return {"widget": "object", "fields": _TEXT}
        node = self._dereferenced(node)
        kind = node.get("type")
        if REFERS_TO in node and (node[REFERS_TO] != "provinces" or self.content.site.scope == "nation"):
            return {"widget": "relation", **_RELATIONS[node[REFERS_TO]]}
        if "enum" in node or "const" in node:
            return {"widget": "select", "options": node.get("enum", [node.get("const")])}
        if kind == "string" and node.get("format") == "date":
            return {"widget": "datetime", "type": "date", "format": "YYYY-MM-DD"}
        if kind == "string":
            return {"widget": "string", **_pattern(node)}
        if kind in ("integer", "number"):
            bounds = {mine: node[theirs] for theirs, mine in (("minimum", "min"), ("maximum", "max")) if theirs in node}
            return {"widget": "number", "value_type": "int" if kind == "integer" else "float", **bounds}
        if kind == "boolean":
            return {"widget": "boolean"}
        if kind == "array":
            return self._list(node["items"])
        if kind == "object" and "properties" in node:
            return {"widget": "object", "fields": self._object(node)}
        if kind == "object" and node.get("propertyNames", {}).get(REFERS_TO) == "indicators":
            return self._by_indicator(next(iter(node["patternProperties"].values())))
        raise ValueError(f"no form widget for {node}")

    def _list(self, items: dict[str, Any]) -> dict[str, Any]:
        if self._definition(items) == "Text":
            return _items(_TEXT)
        items = self._dereferenced(items)
        if REFERS_TO in items:
            return {"widget": "relation", "multiple": True, **_RELATIONS[items[REFERS_TO]]}
        if items.get("type") == "object":
            return _items(self._object(items))
        return {"widget": "list", "field": {"name": "item", "label": "Butir", **self._widget(items)}}

    def _by_indicator(self, values: dict[str, Any]) -> dict[str, Any]:
        """A regency's values per indicator: a list for each indicator of the catalogue, named by it
        (validate refuses an id that is not in the catalogue)."""
        return {"widget": "object", "fields": [
            {"name": i.id, "label": i.name.id, "required": False, **self._list(values["items"]),
             "hint": f"Nilai {i.name.id} per tahun, dalam persen, dengan sumbernya."}
            for i in self.content.indicators]}

    def _resolve(self, node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """`node` without its null alternative, and whether it has one."""
        options = node.get("anyOf")
        if not options or self._definition(node) == "Text":
            return node, False
        kept = [option for option in options if option.get("type") != "null"]
        if len(kept) != 1:
            raise ValueError(f"no form widget for {node}")
        return kept[0], len(kept) < len(options)

    def _definition(self, node: dict[str, Any]) -> str | None:
        reference = node.get("$ref")
        return reference.rsplit("/", 1)[-1] if reference else None

    def _dereferenced(self, node: dict[str, Any]) -> dict[str, Any]:
        name = self._definition(node)
        return self.definitions[name] if name else node


_TEXT = [{"name": "id", "label": "Bahasa Indonesia", "widget": "text", "required": True},
         {"name": "en", "label": "Bahasa Inggris", "widget": "text", "required": False,
          "hint": "Kosong: edisi bahasa Inggris menampilkan teks bahasa Indonesia dengan tanda."}]


def _items(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """A list of records, folded, each shown by its first field (an id, a name)."""
    return {"widget": "list", "fields": fields, "collapsed": True, "summary": f"{{{{fields.{fields[0]['name']}}}}}"}


def _described(field: dict[str, Any], help_text: str) -> dict[str, Any]:
    return {**field, "hint": help_text} if help_text else field


def _pattern(node: dict[str, Any]) -> dict[str, Any]:
    if "pattern" not in node:
        return {}
    return {"pattern": [node["pattern"], "Isiannya tidak sesuai bentuk yang diminta (lihat keterangan di bawah)."]}


def _text_paths(schema: dict[str, Any]) -> Iterator[list[str]]:
    """Where a file of `schema` holds texts (model.Text): key paths, '*' for every item of a list or
    value of a mapping."""
    definitions = schema.get("$defs", {})

    def walk(node: dict[str, Any], path: list[str], seen: tuple[str, ...]) -> Iterator[list[str]]:
        for option in node.get("anyOf", []):
            yield from walk(option, path, seen)
        reference = node.get("$ref", "").rsplit("/", 1)[-1]
        if reference == "Text":
            yield path
            return
        if reference and reference not in seen:
            yield from walk(definitions[reference], path, (*seen, reference))
        for name, field in node.get("properties", {}).items():
            yield from walk(field, [*path, name], seen)
        if "items" in node:
            yield from walk(node["items"], [*path, "*"], seen)
        for values in node.get("patternProperties", {}).values():
            yield from walk(values, [*path, "*"], seen)

    yield from walk(schema, [], ())
