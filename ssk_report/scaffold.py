"""`ssk-report new`: write a commented content file with every field, never over an existing one."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from string import Template

from . import editors
from .errors import UsageError
from .loader import PROVINCE_FOLDER, SLUG_RE


def _write(content: Path, target: Path, kind: str, **values: object) -> Path:
    if target.exists():
        raise UsageError(f"{target} sudah ada; berkas yang ada tidak ditimpa")
    # The file's first line names its schema, relative to where the file is (a province's clinic is
    # one folder deeper).
    modeline = editors.modeline(kind, target.relative_to(content).as_posix())
    text = Template(files("ssk_report").joinpath(f"scaffolds/{kind}.yaml").read_text()).substitute(
        values, modeline=modeline)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return target


def new_regency(content: Path, slug: str) -> Path:
    if not SLUG_RE.fullmatch(slug):
        raise UsageError(f"slug {slug!r} tidak valid; pakai huruf kecil a-z, angka dan tanda '-', mis. barito-timur")
    name = " ".join(part.capitalize() for part in slug.split("-"))
    return _write(content, content / "regencies" / f"{slug}.yaml", "regency", slug=slug, name=name)


def new_clinic(content: Path, year: int, number: int, province: str | None = None) -> Path:
    """A clinic of the site's own area, or on a national site of a province (in clinics/<code>/)."""
    if not (1990 <= year <= 2100 and 1 <= number <= 99):
        raise UsageError(f"tahun {year} atau nomor {number} tidak valid (tahun 1990–2100, nomor 1–99)")
    if province is not None and not PROVINCE_FOLDER.fullmatch(province):
        raise UsageError(f"kode provinsi {province!r} tidak valid; tulis dua angka kode Kemendagri, mis. 62")
    folder = content / "clinics" / province if province else content / "clinics"
    return _write(content, folder / f"{year}-cc{number}.yaml", "clinic", year=year, number=number)
