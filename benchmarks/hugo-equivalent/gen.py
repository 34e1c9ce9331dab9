#!/usr/bin/env python3
"""Export ssk-report's content (as its open-data JSON, validated content + derived figures) into a
Hugo site that renders equivalent pages: one page per regency in Indonesian (root) and English (en/),
the regency index (one table per province), the home page and a milestones page.

    python gen.py OUTPUT/data/ssk-report.json SITE_DIR [TEMPLATES_STATIC_DIR]

SITE_DIR gets hugo.toml, data/, content/ and static/ written; layouts/ and i18n/ are copied from
beside this script. Then: cd SITE_DIR && hugo --quiet   (output in SITE_DIR/public)
Only data joins happen here (a regency's raw series next to its derived status); every label, number
format, chart coordinate and table is computed by the Hugo templates.
"""
import json
import shutil
import sys
from pathlib import Path

src, site = Path(sys.argv[1]), Path(sys.argv[2])
static_src = Path(sys.argv[3]) if len(sys.argv) > 3 else None
here = Path(__file__).resolve().parent
d = json.loads(src.read_text())
c, der = d["content"], d["derived"]

for name in ("data", "content", "static"):
    shutil.rmtree(site / name, ignore_errors=True)
for sub in ("data/regencies", "content/kabupaten", "static/assets"):
    (site / sub).mkdir(parents=True, exist_ok=True)
for name in ("layouts", "i18n"):
    shutil.rmtree(site / name, ignore_errors=True)
    shutil.copytree(here / name, site / name)
if static_src:
    for f in static_src.iterdir():
        shutil.copy(f, site / "static/assets" / f.name)

s = c["site"]
(site / "hugo.toml").write_text(f"""baseURL = "/"
relativeURLs = true
uglyURLs = true
defaultContentLanguage = "id"
defaultContentLanguageInSubdir = false
disableAliases = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[languages.id]
  weight = 1
  languageCode = "id"
  title = {json.dumps(s["title"]["id"])}
[languages.en]
  weight = 2
  languageCode = "en"
  title = {json.dumps(s["title"]["en"])}
""")

by_slug = {r["slug"]: r for r in c["regencies"]}
derived = {r["slug"]: r for r in der["regencies"]}
clinics = {k["slug"]: k for k in c["clinics"]}
provinces = []
for p in c["provinces"]:
    members = [r["slug"] for r in c["regencies"] if r["kemendagri_code"].split(".")[0] == p["kemendagri_code"]]
    if members:
        provinces.append({"name": p["name"], "code": p["kemendagri_code"], "members": members})

site_data = {
    "year": der["year"], "as_of": s["as_of"], "title": s["title"], "description": s["description"],
    "organisation": s["organisation"], "province": s["province"],
    "indicators": {i["id"]: i for i in c["indicators"]},
    "indicator_order": [i["id"] for i in c["indicators"]],
    "subsectors": {x["id"]: x for x in c["subsectors"]},
    "sources": {x["id"]: x for x in c["sources"]},
    "milestones": c["milestones"],
    "clinics": {k: {"slug": k, "number": v["number"], "cycle_year": v["cycle_year"], "start": v["start"]}
                for k, v in clinics.items()},
    "stage_counts": der["province"]["stage_counts"],
    "progress_year_counts": der["province"]["progress_year_counts"],
    "population_total": der["province"]["population_total"], "area_total": der["province"]["area_km2_total"],
    "provinces": provinces,
    "regency_order": [r["slug"] for r in c["regencies"]],
    # The site's own area's values only: since ssk-report's national edition an actual may carry the
    # province it describes ("area"); those are a province's, drawn on its own page.
    "province_indicators": [dict(x, series=[a for a in c["actuals"]
                                            if a["indicator"] == x["indicator"] and a.get("area") is None])
                            for x in der["province"]["indicators"]],
}
(site / "data/site.json").write_text(json.dumps(site_data, ensure_ascii=False))

for slug, r in by_slug.items():
    dv = derived[slug]
    statuses = [dict(x, series=sorted(r["indicators"].get(x["indicator"], []), key=lambda o: o["year"]))
                for x in dv["indicators"]]
    # A regency's notes are a list of dated notes since the Note model; the layout reads one text.
    notes = {lang: "\n\n".join(n["text"][lang] or n["text"]["id"] for n in r["notes"]) for lang in ("id", "en")}
    out = dict(r, stage=dv["stage"], progress_year=dv["progress_year"], completeness=dv["completeness"],
               statuses=statuses, clinics=dv["clinics"], notes=notes if r["notes"] else None)
    (site / f"data/regencies/{slug.replace('-', '_')}.json").write_text(json.dumps(out, ensure_ascii=False))
    front = json.dumps({"title": r["name"], "regency": slug.replace("-", "_"), "slug": slug})
    (site / f"content/kabupaten/{slug}.md").write_text(front + "\n")
    (site / f"content/kabupaten/{slug}.en.md").write_text(front + "\n")

for lang in ("id", "en"):
    sfx = "" if lang == "id" else ".en"
    listing = {"title": "kabupaten", "url": ("/" if lang == "id" else "/en/") + "kabupaten/index.html"}
    (site / f"content/kabupaten/_index{sfx}.md").write_text(json.dumps(listing) + "\n")
    (site / f"content/_index{sfx}.md").write_text('{"title": "home"}\n')
    (site / f"content/tahapan{sfx}.md").write_text('{"title": "tahapan", "layout": "tahapan"}\n')
print(f"{len(by_slug)} regencies -> {site}")
