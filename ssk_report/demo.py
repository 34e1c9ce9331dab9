"""Synthetic content for benchmarks and tests: N regencies across provinces, labelled synthetic
everywhere a reader could see it, and the same for a given seed. Never real data, except the one
table below: how many regencies and cities each of Indonesia's provinces has, so that provinces have
their real sizes (4 to 38).

    python -m ssk_report.demo --regencies 514 --out /tmp/demo-content

With all 514 regencies every province has reported; with fewer, three provinces (drawn by the seed)
report none, and the provinces reached first in a seeded order report some or all of theirs.
"""

from __future__ import annotations

import argparse
import datetime as dt
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


# Each province's Kemendagri code, its number of regencies and cities, and how many of them are cities
# (kota), as in Kepmendagri 300.2.2-2138/2025, read in the public dataset cahyadsn/wilayah, file
# db/wilayah.sql (https://github.com/cahyadsn/wilayah, commit b7ad440a13 of 2026-08-08): 514 in all.
# Only the counts are used; every name, figure and stage made here is synthetic.
PROVINCES: tuple[tuple[str, int, int], ...] = (
    ("11", 23, 5), ("12", 33, 8), ("13", 19, 7), ("14", 12, 2), ("15", 11, 2), ("16", 17, 4), ("17", 10, 1),
    ("18", 15, 2), ("19", 7, 1), ("21", 7, 2), ("31", 6, 5), ("32", 27, 9), ("33", 35, 6), ("34", 5, 1),
    ("35", 38, 9), ("36", 8, 4), ("51", 9, 1), ("52", 10, 2), ("53", 22, 1), ("61", 14, 2), ("62", 14, 1),
    ("63", 13, 2), ("64", 10, 3), ("65", 5, 1), ("71", 15, 4), ("72", 13, 1), ("73", 24, 3), ("74", 17, 2),
    ("75", 6, 1), ("76", 6, 0), ("81", 11, 2), ("82", 10, 2), ("91", 9, 1), ("92", 7, 0), ("93", 4, 0),
    ("94", 8, 0), ("95", 8, 0), ("96", 6, 1),
)
ALL_REGENCIES = sum(count for _, count, _ in PROVINCES)
UNREPORTED = 3  # provinces listed with no regency file, where the regencies asked for leave room
WILAYAH = "kepmendagri-2025-wilayah"  # the source of the province sizes above


def _reporting(rng: random.Random, regencies: int) -> list[tuple[str, int, int, list[str]]]:
    """The provinces to list, in code order: (code, regencies, cities, codes of the regencies that
    report). In a seeded order, the last UNREPORTED provinces report none (where the others hold
    enough regencies); the first ones each report a share of theirs (all of them when every regency
    in Indonesia is asked for) until `regencies` are placed; provinces never reached are not listed."""
    order = list(PROVINCES)
    rng.shuffle(order)
    empty: list[tuple[str, int, int]] = []
    while len(empty) < UNREPORTED and sum(count for _, count, _ in order[:-1]) >= regencies:
        empty.append(order.pop())
    slack = sum(count for _, count, _ in order) - regencies  # regencies that may be left unreported
    chosen = [(code, count, cities, list[str]()) for code, count, cities in empty]
    left = regencies
    for code, count, cities in order:
        if left == 0:
            break
        skip = min(slack, rng.randint(0, count // 2))
        slack -= skip
        reporting = min(left, count - skip)
        left -= reporting
        codes = [f"{code}.{n:02d}" for n in range(1, count - cities + 1)]
        codes += [f"{code}.{70 + n}" for n in range(1, cities + 1)]  # as in the real codes, cities from 71
        chosen.append((code, count, cities, sorted(rng.sample(codes, reporting))))
    return sorted(chosen)


def _stage(rng: random.Random, at_m4: float) -> tuple[int | None, int | None]:
    """(M1–M3 year, M4 year) of a regency, in 2025: at M4 (some with their M1–M3 year), in M1–M3
    this year or last, or not yet known."""
    draw = rng.random()
    if draw < at_m4:
        m4 = rng.randint(2019, 2025)
        return (m4 - 1 if rng.random() < 0.7 else None), m4
    if draw < at_m4 + (1 - at_m4) * 0.6:
        return rng.choice([2024, 2025]), None
    return None, None


def write_demo(out: Path, regencies: int, seed: int = 2025) -> Path:
    """Write a synthetic content tree into `out` (which must not exist yet); returns `out`."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    if not 1 <= regencies <= ALL_REGENCIES:
        raise ValueError(f"regencies: 1 to {ALL_REGENCIES} (Indonesia's regencies and cities), not {regencies}")
    rng = random.Random(seed)  # noqa: S311 - synthetic figures, repeatable by seed; nothing secret
    provinces = _reporting(rng, regencies)
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
        "name": f"Sintetis {code} {LABEL}",
        "kemendagri_code": code,
        "bps_code": code,
        "capital": f"Ibu Kota Sintetis {code}",
        "population": None,
        "area_km2": None,
        "regency_count": count,
        "sources": [SOURCE, WILAYAH],
    } for code, count, _, _ in provinces]})
    _dump(out / "sources.yaml", {"sources": [{
        "id": SOURCE, "title": "Data sintetis buatan generator ssk-report (bukan data nyata)",
        "publisher": _text("ssk-report demo", "ssk-report demo"), "year": 2025, "date": None, "url": None,
        "note": _text("Dibuat acak dengan benih tetap untuk uji kinerja.",
                      "Random, with a fixed seed, for benchmarks."),
    }, {
        "id": CLINIC_SOURCE, "title": "Liputan coaching clinic sintetis (bukan data nyata)",
        "publisher": _text("ssk-report demo", "ssk-report demo"), "year": 2025, "date": None, "url": None,
        "note": None,
    }, {
        "id": WILAYAH, "title": "Keputusan Menteri Dalam Negeri Nomor 300.2.2-2138 Tahun 2025",
        "publisher": _text("Kementerian Dalam Negeri", "Ministry of Home Affairs (Kemendagri)"), "year": 2025,
        "date": None, "url": None, "via": "cahyadsn-wilayah",
        "note": _text("Hanya jumlah kabupaten/kota setiap provinsi; nama dan angka lain di situs ini sintetis.",
                      "Only the number of regencies and cities of each province; every other name and figure"
                      " on this site is synthetic."),
    }, {
        "id": "cahyadsn-wilayah", "title": "cahyadsn/wilayah: set data wilayah administrasi Indonesia",
        "publisher": _text("cahyadsn (GitHub)", "cahyadsn (GitHub)"), "url": "https://github.com/cahyadsn/wilayah",
        "note": None,
    }]})
    _dump(out / "milestones.yaml", {"source": SOURCE, "milestones": [{
        "id": f"M{i}", "name": _text(f"Tahap M{i} {LABEL}", f"Milestone M{i} {LABEL}"),
        "description": _text("Uraian sintetis.", "Synthetic description."),
        "output": _text("Keluaran sintetis.", "Synthetic output."),
    } for i in range(1, 5)]})
    # Half of the provinces that report have targets and values of their own, for two indicators.
    own = sorted(rng.sample([code for code, _, _, members in provinces if members],
                            k=sum(1 for p in provinces if p[3]) // 2 or 1)) if any(p[3] for p in provinces) else []
    local = [(i, better, span) for i, _, better, span in INDICATORS if i in ("ald_aman", "sampah_terolah")]
    _dump(out / "indicators.yaml", {
        "subsectors": [{"id": s, "name": _text(f"{s} {LABEL}", f"{s} {LABEL}")}
                       for s in ("air_limbah", "persampahan", "stbm")],
        "indicators": [{"id": i, "subsector": s, "name": _text(f"{i} {LABEL}", f"{i} {LABEL}"),
                        "unit": "percent", "better": better} for i, s, better, _ in INDICATORS],
        "targets": [{"indicator": i, "scope": "national", "start": 2025, "end": 2029,
                     "value": round(hi if better == "up" else lo, 1), "source": SOURCE}
                    for i, _, better, (lo, hi) in INDICATORS]
        + [{"indicator": i, "scope": "province", "start": 2025, "end": 2029,
            "value": round(rng.uniform(lo, hi), 1), "source": SOURCE, "area": code}
           for code in own for i, _, (lo, hi) in local],
        "actuals": [{"indicator": i, "year": year, "value": round(rng.uniform(lo, hi), 2), "source": SOURCE}
                    for i, _, _, (lo, hi) in INDICATORS for year in YEARS]
        + [{"indicator": i, "year": year, "value": round(rng.uniform(lo, hi), 2), "source": SOURCE, "area": code}
           for code in own for i, _, (lo, hi) in local for year in (2024, 2025)],
    })
    slugs: dict[str, list[str]] = {}
    n = 0
    for province, _, _, members in provinces:
        at_m4 = rng.uniform(0.2, 0.85)  # provinces differ in how far their regencies have come
        for code in members:
            n += 1
            slug = f"sintetis-{n:04d}"
            slugs.setdefault(province, []).append(slug)
            m1_m3, m4 = _stage(rng, at_m4)
            city = int(code.split(".")[1]) > 70
            _dump(out / "regencies" / f"{slug}.yaml", {
                "name": f"Sintetis {n:04d}",
                "type": "kota" if city else "kabupaten",
                "kemendagri_code": code,
                "bps_code": code.replace(".", ""),
                "capital": f"Ibu Kota Sintetis {n:04d}",
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
    everyone = [slug for members in slugs.values() for slug in members]
    clinics = 4
    for number in range(1, clinics + 1):
        last = number == clinics  # the last clinic reviews every regency: the national report, in volumes
        chosen = everyone if last else sorted(rng.sample(everyone, min(len(everyone), 20)))
        _clinic(out / "clinics" / f"2025-cc{number}.yaml", rng, number, chosen, "M4",
                _text(f"Pokja PPSP Nasional {LABEL}", f"National PPSP Pokja {LABEL}"))
    # Two provinces hold a CC1 of their own (clinics/<code>/2025-cc1.yaml), for their M1–M3 regencies.
    for province in sorted(slugs)[:2]:
        members = slugs[province]
        _clinic(out / "clinics" / province / "2025-cc1.yaml", rng, 1, members[:5], "M1",
                _text(f"Pokja PPSP Provinsi Sintetis {province} {LABEL}",
                      f"Synthetic {province} Provincial PPSP Pokja {LABEL}"))
    (out / "pages").mkdir(parents=True, exist_ok=True)
    (out / "pages" / "tentang.md").write_text(
        f"---\ntitle: Tentang data sintetis\ndescription: Situs uji berisi data sintetis, bukan data nyata.\n"
        f"order: 1\nlayout: page\n---\n\n**{LABEL}** Semua nama dan angka di situs ini dibuat acak"
        " untuk uji kinerja, kecuali jumlah kabupaten/kota setiap provinsi.\n")
    (out / "pages" / "tentang.en.md").write_text(
        f"---\ntitle: About the synthetic data\ndescription: A test site with synthetic data, not real data.\n---\n\n"
        f"**{LABEL}** Every name and number on this site is random, made for performance tests, except the number"
        " of regencies and cities of each province.\n")
    return out


def _clinic(path: Path, rng: random.Random, number: int, chosen: list[str], focus: str,
            organiser: dict[str, str]) -> None:
    start = dt.date(2025, 2 * number + 1, 10)
    _dump(path, {
        "number": number, "cycle_year": 2025, "start": start, "end": start,
        "venue": f"Tempat sintetis {number} {LABEL}", "city": "Kota Sintetis",
        "organiser": organiser,
        "opened_by": None, "milestone_focus": focus,
        "scope": ["air_limbah", "persampahan"], "participant_count": None,
        "participants": [{"regency": slug, "progress_year": None} for slug in chosen],
        "agenda": [_text(f"Agenda sintetis {LABEL}", f"Synthetic agenda {LABEL}")],
        "findings": [_text(f"Temuan sintetis {LABEL}", f"Synthetic finding {LABEL}")],
        "outcomes": [_text(f"Hasil sintetis {LABEL}", f"Synthetic outcome {LABEL}")],
        "action_items": [{
            "id": f"sintetis-{path.stem}-{k:02d}" if path.parent.name == "clinics"
            else f"sintetis-{path.parent.name}-{path.stem}-{k:02d}",
            "title": _text(f"Butir sintetis {k} {LABEL}", f"Synthetic item {k}"),
            "owner": f"Pokja {LABEL}", "due": start + dt.timedelta(days=60),
            "status": rng.choice(["open", "in_progress", "done", "dropped"]), "regency": rng.choice(chosen),
        } for k in range(1, 6)],
        "work_plan": None,
        "sources": [CLINIC_SOURCE],
    })


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
