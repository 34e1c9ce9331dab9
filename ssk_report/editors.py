"""What a text editor needs to check a content file as it is typed: the JSON Schema of each content
file type, committed under schemas/ at the repository's root, and the line each YAML content file
starts with to name its schema (the `yaml-language-server` modeline, read by VS Code's YAML
extension, also in the git host's browser editor).

The schemas are generated from the model (opendata.schemas) and written by `ssk-report schemas`;
a test checks that the committed files are current. They live beside content/, not in it: they
belong to the software, and another province replaces content/ but keeps them.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from .opendata import json_bytes, schemas

FOLDER = "schemas"
# Where each YAML file type lives in content/ (a page's YAML is Markdown front matter, which the
# YAML extension does not check). provinces.yaml is a national site's only.
CONTENT_FILES = {
    "site": "site.yaml",
    "sources": "sources.yaml",
    "provinces": "provinces.yaml",
    "milestones": "milestones.yaml",
    "indicators": "indicators.yaml",
    "map": "map.yaml",
    "regency": "regencies/*.yaml",
    "clinic": "clinics/*.yaml",
}
# On a national site, a province's clinics: clinics/<code>/<year>-cc<n>.yaml, one folder deeper.
PROVINCE_CLINICS = "clinics/*/*.yaml"
MODELINE = "# yaml-language-server: $schema="


def schema_files() -> dict[str, bytes]:
    """Each schema file's name in schemas/ and its bytes: the same as the site's data/schema/ files."""
    return {f"{name}.schema.json": json_bytes(schema) for name, schema in schemas().items()}


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into `folder`, and remove a schema file of a type that no longer exists."""
    folder.mkdir(parents=True, exist_ok=True)
    files = schema_files()
    for stale in folder.glob("*.schema.json"):
        if stale.name not in files:
            stale.unlink()
    written = []
    for name, data in files.items():
        target = folder / name
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
        written.append(target)
    return written


def modeline(kind: str, where: str | None = None) -> str:
    """The first line of a content file of type `kind` at `where` (relative to the content folder;
    by default where that type lives): its schema, relative to the file, with the content folder at
    the repository's root beside schemas/."""
    depth = len(PurePosixPath(where or CONTENT_FILES[kind]).parts)  # content/x.yaml: 1; content/regencies/x.yaml: 2
    return f"{MODELINE}{'../' * depth}{FOLDER}/{kind}.schema.json"


def vscode_schemas() -> dict[str, str | list[str]]:
    """VS Code's `yaml.schemas` setting: each schema file and the content files it checks."""
    found: dict[str, str | list[str]] = {f"./{FOLDER}/{kind}.schema.json": f"content/{where}"
                                         for kind, where in CONTENT_FILES.items()}
    found[f"./{FOLDER}/clinic.schema.json"] = [f"content/{CONTENT_FILES['clinic']}", f"content/{PROVINCE_CLINICS}"]
    return found
