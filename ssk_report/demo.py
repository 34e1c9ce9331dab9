"""Synthetic content for benchmarks and tests: N regencies across provinces, labelled synthetic
everywhere a reader could see it, and the same for a given seed. Never real data.

    python -m ssk_report.demo --regencies 514 --out /tmp/demo-content
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
from pathlib import Path
from typing import Any

import yaml

LABEL = "[SINTETIS]"
SOURCE = "data-sintetis"
CLINIC_SOURCE = "liputan-sintetis"  # a clinic's own record: regencies citing it would have to be its participants
INDICATORS = [  # id, subsector, better, typical range
    ("ald_layak", "air_limbah", "up", (50, 95)),
    ("ald_aman", "air_limbah", "up", (2, 30)),
    ("babs", "air_limbah", "down", (0, 15)),
    ("sampah_terlayani", "persampahan", "up", (20, 90)),
    ("sampah_terolah", "persampahan", "up", (5, 45)),
    ("desa_sbs", "stbm", "up", (10, 100)),
]
YEARS = range(2021, 2026)


class _NoAliases(yaml.SafeDumper):
    """Content files may not use anchors/aliases, so the same object is written out each time."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# SYNTHETIC DATA made by `python -m ssk_report.demo`: not real.\n"
    path.write_text(header + yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=110))


def _text(indonesian: str, english: str) -> dict[str, str]:
    return {"id": indonesian, "en": english}


def write_demo(out: Path, regencies: int, seed: int = 2025) -> Path:
    """Write a synthetic content tree into `out` (which must not exist yet); returns `out`."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    rng = random.Random(seed)  # noqa: S311 - synthetic figures, repeatable by seed; nothing secret
    provinces = max(1, min(38, math.ceil(regencies / 14)))
    per_province = math.ceil(regencies / provinces)
    _dump(out / "site.yaml", {
        "title": _text(f"{LABEL} Uji skala nasional ssk-report", f"{LABEL} ssk-report national scale test"),
        "description": _text("Data sintetis untuk uji kinerja; bukan data nyata.",
                             "Synthetic data for performance tests; not real data."),
        "organisation": _text(f"Pokja PPSP Nasional {LABEL}", f"National PPSP Pokja {LABEL}"),
        "secretariat": None,
        "as_of": dt.date(2025, 11, 6),
        "base_url": None,
        "licence": None,
        "scope": "nation",
        "province": {"name": f"Indonesia {LABEL}", "kemendagri_code": "00", "bps_code": "00",
                     "capital": "Jakarta", "population": None, "area_km2": None, "sources": [SOURCE]},
    })
    _dump(out / "provinces.yaml", {"provinces": [{
        "name": f"Sintetis {p + 11} {LABEL}",
        "kemendagri_code": str(p + 11),
        "bps_code": str(p + 11),
        "capital": f"Ibu Kota Sintetis {p + 11}",
        "population": None,
        "area_km2": None,
        "sources": [SOURCE],
    } for p in range(provinces)]})
    _dump(out / "sources.yaml", {"sources": [{
        "id": SOURCE, "title": "Data sintetis buatan generator ssk-report (bukan data nyata)",
        "publisher": _text("ssk-report demo", "ssk-report demo"), "year": 2025, "date": None, "url": None,
        "note": _text("Dibuat acak dengan benih tetap untuk uji kinerja.",
                      "Random, with a fixed seed, for benchmarks."),
    }, {
        "id": CLINIC_SOURCE, "title": "Liputan coaching clinic sintetis (bukan data nyata)",
        "publisher": _text("ssk-report demo", "ssk-report demo"), "year": 2025, "date": None, "url": None,
        "note": None,
    }]})
    _dump(out / "milestones.yaml", {"source": SOURCE, "milestones": [{
        "id": f"M{i}", "name": _text(f"Tahap M{i} {LABEL}", f"Milestone M{i} {LABEL}"),
        "description": _text("Uraian sintetis.", "Synthetic description."),
        "output": _text("Keluaran sintetis.", "Synthetic output."),
    } for i in range(1, 5)]})
    _dump(out / "indicators.yaml", {
        "subsectors": [{"id": s, "name": _text(f"{s} {LABEL}", f"{s} {LABEL}")}
                       for s in ("air_limbah", "persampahan", "stbm")],
        "indicators": [{"id": i, "subsector": s, "name": _text(f"{i} {LABEL}", f"{i} {LABEL}"),
                        "unit": "percent", "better": better} for i, s, better, _ in INDICATORS],
        "targets": [{"indicator": i, "scope": "national", "start": 2025, "end": 2029,
                     "value": round(hi if better == "up" else lo, 1), "source": SOURCE}
                    for i, _, better, (lo, hi) in INDICATORS],
        "actuals": [{"indicator": i, "year": year, "value": round(rng.uniform(lo, hi), 2), "source": SOURCE}
                    for i, _, _, (lo, hi) in INDICATORS for year in YEARS],
    })
    slugs = []
    for n in range(regencies):
        province, number = 11 + n // per_province, n % per_province + 1
        slug = f"sintetis-{n + 1:04d}"
        slugs.append(slug)
        m4 = rng.choice([None, None, *range(2019, 2026)])
        m1_m3 = (m4 - 1) if m4 and rng.random() < 0.7 else None
        city = number > 12  # as in the real codes, cities (kota) number from 71
        code = 70 + number - 12 if city else number
        _dump(out / "regencies" / f"{slug}.yaml", {
            "name": f"Sintetis {n + 1:04d}",
            "type": "kota" if city else "kabupaten",
            "kemendagri_code": f"{province}.{code:02d}",
            "bps_code": f"{province}{code:02d}",
            "capital": f"Ibu Kota Sintetis {n + 1:04d}",
            "sources": [SOURCE],
            "population": {"value": rng.randint(30_000, 900_000), "year": 2025, "source": SOURCE},
            "area_km2": {"value": round(rng.uniform(100, 20_000), 2), "year": 2024, "source": SOURCE},
            "ppsp": {"m1_m3_year": m1_m3, "m4_year": m4, "source": SOURCE if m4 or m1_m3 else None},
            "pokja": None,
            "documents": [],
            "indicators": {i: [{"year": year, "value": round(rng.uniform(lo, hi), 2), "source": SOURCE}
                               for year in YEARS if rng.random() < 0.6]
                           for i, _, _, (lo, hi) in INDICATORS if rng.random() < 0.7},
            "notes": _text(f"{LABEL} Data sintetis untuk uji kinerja; bukan data nyata.",
                           f"{LABEL} Synthetic data for performance tests; not real data."),
        })
    clinics = 4
    for number in range(1, clinics + 1):
        everyone = number == clinics  # the last clinic reviews every regency: the national report
        chosen = slugs if everyone else sorted(rng.sample(slugs, min(len(slugs), 20)))
        start = dt.date(2025, 2 * number + 1, 10)
        _dump(out / "clinics" / f"2025-cc{number}.yaml", {
            "number": number, "cycle_year": 2025, "start": start, "end": start,
            "venue": f"Tempat sintetis {number} {LABEL}", "city": "Kota Sintetis",
            "organiser": _text(f"Pokja PPSP Nasional {LABEL}", f"National PPSP Pokja {LABEL}"),
            "opened_by": None, "milestone_focus": "M4",
            "scope": ["air_limbah", "persampahan"], "participant_count": None,
            "participants": [{"regency": slug, "progress_year": None} for slug in chosen],
            "agenda": [_text(f"Agenda sintetis {LABEL}", f"Synthetic agenda {LABEL}")],
            "findings": [_text(f"Temuan sintetis {LABEL}", f"Synthetic finding {LABEL}")],
            "outcomes": [_text(f"Hasil sintetis {LABEL}", f"Synthetic outcome {LABEL}")],
            "action_items": [{
                "id": f"sintetis-cc{number}-{k:02d}",
                "title": _text(f"Butir sintetis {k} {LABEL}", f"Synthetic item {k}"),
                "owner": f"Pokja {LABEL}", "due": start + dt.timedelta(days=60),
                "status": rng.choice(["open", "in_progress", "done", "dropped"]), "regency": rng.choice(chosen),
            } for k in range(1, 6)],
            "work_plan": None,
            "sources": [CLINIC_SOURCE],
        })
    (out / "pages").mkdir(parents=True, exist_ok=True)
    (out / "pages" / "tentang.md").write_text(
        f"---\ntitle: Tentang data sintetis\ndescription: Situs uji berisi data sintetis, bukan data nyata.\n"
        f"order: 1\nlayout: page\n---\n\n**{LABEL}** Semua nama dan angka di situs ini dibuat acak"
        " untuk uji kinerja.\n")
    (out / "pages" / "tentang.en.md").write_text(
        f"---\ntitle: About the synthetic data\ndescription: A test site with synthetic data, not real data.\n---\n\n"
        f"**{LABEL}** Every name and number on this site is random, made for performance tests.\n")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ssk_report.demo", description=__doc__)
    parser.add_argument("--regencies", type=int, default=514)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    write_demo(args.out, args.regencies, args.seed)
    print(f"{args.regencies} kabupaten/kota sintetis ditulis ke {args.out}")


if __name__ == "__main__":
    main()
