"""The content model: typed, frozen, and the one place where derived figures are computed.

Templates read these objects; they never recompute a progress year or a completeness figure.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

# Patterns are matched by pydantic-core's Rust engine, where "$" is the very end of the text (in
# Python's re it would also accept a final line break). Digits are ASCII: "\d" takes any script's.
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
IndicatorId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
MilestoneId = Annotated[str, StringConstraints(pattern=r"^M[1-4]$")]
# A province's Kemendagri code ("62"): the area of a value or a target, the province of a clinic.
ProvinceCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
Year = Annotated[int, Field(ge=1990, le=2100)]
PpspYear = Annotated[int, Field(ge=2010, le=2035)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
# The site's own address goes into the feeds, the sitemap, robots.txt and every page's head: only
# characters that mean the same, unescaped, in all of them (no quotes, spaces, "&", "<", "?" or "#").
BASE_URL_PATTERN = r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%/-]*)?$"
BaseUrl = Annotated[str, StringConstraints(pattern=BASE_URL_PATTERN)]
# Numbers have bounds that every later stage can show, sum and write (Babel, the workbook, JSON):
# no infinity or NaN. A quantity (people, km²) is at most ten billion, more than any population or
# area on Earth; indicator values and targets are percentages, checked 0-100 in validate.py.
MAX_QUANTITY = 10_000_000_000
Number = Annotated[float, Field(allow_inf_nan=False)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Lang = Literal["id", "en"]
# Ids that name a record of another file. The JSON Schema carries which file ("x-refers-to"), so the
# browser editor (admin.py) offers a list to choose from; that the id exists is checked by validate.
REFERS_TO = "x-refers-to"
SourceId = Annotated[Slug, Field(json_schema_extra={REFERS_TO: "sources"})]
RegencySlug = Annotated[Slug, Field(json_schema_extra={REFERS_TO: "regencies"})]
IndicatorRef = Annotated[IndicatorId, Field(json_schema_extra={REFERS_TO: "indicators"})]
SubsectorRef = Annotated[IndicatorId, Field(json_schema_extra={REFERS_TO: "subsectors"})]
MilestoneRef = Annotated[MilestoneId, Field(json_schema_extra={REFERS_TO: "milestones"})]
ProvinceRef = Annotated[ProvinceCode, Field(json_schema_extra={REFERS_TO: "provinces"})]  # provinces.yaml's


class Record(BaseModel):
    """Base of every content record: immutable, and unknown keys (typos) are errors.

    Each field's description is what a person editing the file reads (in the editor's JSON Schema
    hints and as the browser form's help text), so it is Indonesian, written "Label: help", the
    label being what the form shows above the field (see opendata.schemas and admin.py)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Text(Record):
    """Text people read, Indonesian first; a plain string in YAML means Indonesian only."""

    id: NonEmpty = Field(description="Bahasa Indonesia: teks dalam bahasa Indonesia (wajib).")
    en: NonEmpty | None = Field(None, description="Bahasa Inggris: teks yang sama dalam bahasa Inggris; kosong:"
                                " edisi bahasa Inggris menampilkan teks bahasa Indonesia dengan tanda.")

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: object) -> object:
        return {"id": value} if isinstance(value, str) else value

    def get(self, lang: Lang = "id") -> str:
        return self.en if lang == "en" and self.en else self.id

    def __str__(self) -> str:
        return self.id


class Source(Record):
    """Where a fact was read: its publisher, date and address where they are recorded. `via` names the
    source through which this one was read (a decree read in a public dataset): its route."""

    id: Slug = Field(description="Id: pengenal sumber (huruf kecil, angka dan tanda '-'), yang ditulis di kolom"
                     " source dan sources berkas lain.")
    # As published: an Indonesian title stays Indonesian in the English edition, beside its gloss.
    title: NonEmpty = Field(description="Judul: judul sumber seperti diterbitkan (judul berbahasa Indonesia tetap"
                            " ditampilkan dalam bahasa Indonesia di edisi bahasa Inggris).")
    gloss: NonEmpty | None = Field(None, description="Terjemahan judul: arti judul dalam bahasa Inggris, ditampilkan"
                                   " di samping judul di edisi bahasa Inggris; kosong bila tidak perlu.")
    publisher: Text = Field(description="Penerbit: lembaga atau media yang menerbitkan sumber.")
    year: Year | None = Field(None, description="Tahun: tahun terbit; kosong bila tidak tercatat.")
    month: Annotated[int, Field(ge=1, le=12)] | None = Field(
        None, description="Bulan: bulan terbit (1–12), bila hanya bulan dan tahunnya yang tercatat; perlu tahun.")
    date: dt.date | None = Field(None, description="Tanggal: tanggal terbit (YYYY-MM-DD), pada tahun terbitnya;"
                                 " kosong bila tidak tercatat (jangan ditebak).")
    url: Url | None = Field(None, description="Alamat web: alamat yang dapat dibuka pembaca (http:// atau"
                            " https://); kosong bila belum diketahui. Sumber tanpa alamat web, sendiri atau lewat"
                            " sumber di kolom via, tidak dapat dibuka pembaca: situs menandai setiap fakta yang"
                            " merujuknya, dan validate --strict menolaknya.")
    via: SourceId | None = Field(None, description="Dibaca melalui: id sumber lain tempat sumber ini dibaca, mis."
                                 " keputusan menteri yang dibaca dalam himpunan data publik; pembaca membuka sumber"
                                 " ini lewat alamat web sumber itu.")
    note: Text | None = Field(None, description="Catatan: keterangan tentang sumber, mis. melalui apa sumber"
                              " dibaca, atau apa yang belum tercatat.")

    @model_validator(mode="after")
    def _dated_consistently(self) -> Source:
        if self.month is not None and self.year is None:
            raise ValueError(f"bulan tanpa tahun (tertulis month: {self.month}; isi juga year)")
        if self.date is not None and self.year is not None and self.date.year != self.year:
            raise ValueError(f"tahun tidak cocok dengan tanggal (tertulis year: {self.year}, date: {self.date})")
        return self

    @property
    def known_from(self) -> dt.date | None:
        """The first day the source may have been read: its date, else the first day of its month or
        year (only as precise as what is recorded); None for an undated source."""
        if self.date is not None:
            return self.date
        if self.year is not None:
            return dt.date(self.year, self.month or 1, 1)
        return None


class Quantity(Record):
    """A figure with the year it describes and where it comes from."""

    value: float = Field(ge=0, le=MAX_QUANTITY, allow_inf_nan=False, description="Nilai: angka, 0 atau lebih.")
    year: Year = Field(description="Tahun: tahun yang digambarkan angka ini.")
    source: SourceId = Field(description="Sumber: id sumber angka ini (dari content/sources.yaml).")


# A capital without a source is shown marked as not yet sourced (validate --strict names it).
CAPITAL_SOURCE = ("Sumber ibu kota: id sumber yang menyebut ibu kota, mis. undang-undang pembentukan daerah; kosong:"
                  " ibu kota ditampilkan dengan tanda belum bersumber.")


class Province(Record):
    name: NonEmpty = Field(description="Nama: nama provinsi, tanpa kata 'Provinsi'.")
    kemendagri_code: ProvinceCode = Field(
        description='Kode Kemendagri: kode wilayah dua angka, mis. "62" (dalam YAML ditulis dengan tanda kutip).')
    bps_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")] = Field(
        description='Kode BPS: kode wilayah BPS dua angka, mis. "62" (dalam YAML ditulis dengan tanda kutip).')
    capital: NonEmpty = Field(description="Ibu kota: ibu kota provinsi.")
    capital_source: SourceId | None = Field(None, description=CAPITAL_SOURCE)
    population: Quantity | None = Field(None, description="Penduduk: jumlah penduduk provinsi (jiwa) dengan tahun"
                                        " dan sumbernya; kosong: dihitung sebagai jumlah penduduk semua kabupaten/kota"
                                        " bila semuanya diketahui dari tahun dan sumber yang sama.")
    area_km2: Quantity | None = Field(None, description="Luas (km²): luas wilayah provinsi; kosong: dihitung sebagai"
                                      " jumlah luas semua kabupaten/kota bila semuanya diketahui dari tahun dan"
                                      " sumber yang sama.")
    # What a national site expects of the province, so that one that has not reported shows as "0 of N".
    regency_count: Annotated[int, Field(ge=1, le=100)] | None = Field(
        None, description="Jumlah kabupaten/kota: banyaknya kabupaten/kota provinsi menurut sumbernya (kolom"
        " sources); situs nasional menampilkan provinsi yang belum melapor sebagai 0 dari jumlah ini.")
    sources: list[SourceId] = Field([], description="Sumber: id sumber nama dan kode provinsi (dan jumlah"
                                    " kabupaten/kotanya).")


class Cms(Record):
    """site.yaml `cms:`: the browser editor, admin/ (see admin.py). Without a git host it works on a
    folder of a laptop only (the editor's local-folder mode, through `ssk-report serve`)."""

    enabled: bool = Field(True, description="Aktif: bila true, situs mendapat halaman admin/ berisi formulir"
                          " penyuntingan data; false: tanpa halaman admin.")
    backend: Literal["github", "gitlab", "gitea"] | None = Field(
        None, description="Layanan git: layanan tempat repositori konten disimpan: github, gitlab atau gitea; kosong:"
        " formulir hanya menyunting folder repositori di laptop (buka lewat ssk-report serve).")
    repo: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")] | None = Field(
        None, description="Repositori: pemilik/nama repositori di layanan git, mis. pokja-ppsp/ssk-report.")
    branch: NonEmpty | None = Field(None, description="Cabang: cabang git yang disunting; kosong: cabang utama"
                                    " repositori.")
    base_url: Url | None = Field(None, description="Layanan masuk: alamat layanan OAuth untuk masuk dengan akun"
                                 " layanan git; kosong: masuk dengan token akses pribadi.")

    @model_validator(mode="after")
    def _repository_named(self) -> Cms:
        if (self.backend is None) != (self.repo is None):
            raise ValueError("isi backend dan repo bersama-sama (mis. backend: github, repo: pemilik/nama),"
                             " atau kosongkan keduanya untuk mode folder lokal saja")
        return self


# A civil servant's number (NIP): 18 digits, often written in groups of 8, 6, 1 and 3.
Nip = Annotated[str, StringConstraints(pattern=r"^[0-9]{8} ?[0-9]{6} ?[0-9] ?[0-9]{3}$")]
# An image inside the content folder, named relative to it: no "..", no absolute path, no odd characters.
EMBLEM_PATTERN = r"^(?:[A-Za-z0-9][A-Za-z0-9_-]*/)*[A-Za-z0-9][A-Za-z0-9_.-]*\.(?:png|PNG|jpg|JPG|jpeg|JPEG)$"


class Signatory(Record):
    """Who approves the clinic reports on their approval page (Lembar Pengesahan), and where. Each
    printed field is optional: a value not recorded prints as a line to fill in by hand (the name and
    NIP of an official are often not public)."""

    position: Text | None = Field(None, description="Jabatan: jabatan pengesah, mis. Ketua Pokja PPSP Provinsi;"
                                  " kosong: dicetak sebagai garis untuk diisi tangan.")
    name: NonEmpty | None = Field(None, description="Nama: nama pengesah; kosong bila tidak tercatat atau tidak"
                                  " diumumkan: dicetak sebagai garis untuk diisi tangan.")
    nip: Nip | None = Field(None, description="NIP: nomor induk pegawai pengesah, 18 angka (boleh dikelompokkan"
                            ' 8 6 1 3, mis. "19700101 199503 1 001", dalam YAML ditulis dengan tanda kutip); kosong'
                            " bila tidak tercatat atau tidak diumumkan.")
    place: NonEmpty | None = Field(None, description="Tempat: kota tempat laporan disahkan; kosong: dicetak sebagai"
                                   " garis untuk diisi tangan.")
    # Not printed: what an editor should know of the values above (a YAML comment would be lost by the form).
    note: Text | None = Field(None, description="Catatan: keterangan tentang isian di atas, mis. mengapa nama"
                              " kosong atau dari mana tempatnya diambil; tidak dicetak.")

    # The fields the approval page prints (the note is not one of them).
    PRINTED: ClassVar[tuple[str, ...]] = ("position", "name", "nip", "place")


class ClinicSignatory(Signatory):
    """A clinic report's own approval: any field written here replaces site.yaml's (the office holder
    at the time of that clinic), and the date it was approved."""

    date: dt.date | None = Field(None, description="Tanggal: tanggal pengesahan laporan (YYYY-MM-DD); kosong:"
                                 " dicetak sebagai garis untuk diisi tangan.")

    PRINTED: ClassVar[tuple[str, ...]] = (*Signatory.PRINTED, "date")


class Emblem(Record):
    """The image drawn on the reports' covers (site.yaml `emblem`), as read and checked by the build:
    a PNG or JPEG file inside the content folder, carried as a data: URL so that the PDF reads no
    file outside the templates folder."""

    path: str  # relative to the content folder
    media_type: Literal["image/png", "image/jpeg"]
    base64: str

    @property
    def data_url(self) -> str:
        return f"data:{self.media_type};base64,{self.base64}"


class Site(Record):
    title: Text = Field(description="Judul situs: ditampilkan di setiap halaman.")
    description: Text = Field(description="Deskripsi: satu atau dua kalimat tentang situs, untuk mesin pencari dan"
                              " tautan yang dibagikan.")
    organisation: Text = Field(description="Penerbit: lembaga yang menerbitkan situs dan laporan, dalam setiap"
                               " bahasa.")
    secretariat: Text | None = Field(None, description="Sekretariat: lembaga sekretariat Pokja, dalam setiap bahasa;"
                                     " kosong bila tidak disebut.")
    as_of: dt.date = Field(description="Tanggal data: tanggal keadaan data (YYYY-MM-DD); tahap dan progres"
                           " dihitung untuk tahun tanggal ini, dan sumber bertanggal sesudahnya belum dipakai.")
    base_url: BaseUrl | None = Field(None, description="Alamat situs: alamat web tempat situs diterbitkan, mis."
                                     " https://contoh.go.id/sanitasi; kosong bila belum diterbitkan.")
    licence: str | None = Field(None, description="Lisensi data: nama atau alamat web lisensi data terbuka;"
                                " kosong: lisensi belum ditentukan.")
    scope: Literal["province", "nation"] = Field(
        "province", description="Cakupan: cakupan situs: province (satu provinsi, kabupaten/kotanya di"
        " content/regencies/) atau nation (banyak provinsi, didaftar di content/provinces.yaml; province lalu"
        " menggambarkan seluruh wilayah).")
    province: Province = Field(description="Provinsi: wilayah yang dicakup situs.")
    changes_since: NonEmpty | None = Field(
        None, description="Perubahan sejak: revisi git (mis. tag cc6-2025) yang dibandingkan halaman Perubahan"
        " data; kosong: sejak coaching clinic terakhir.")
    changes_until: NonEmpty | None = Field(None, description="Perubahan sampai: revisi git akhir perbandingan;"
                                           " kosong: salinan kerja.")
    accessibility_contact: Text | None = Field(
        None, description="Kontak aksesibilitas: siapa yang dapat dihubungi pembaca yang menemui hambatan di situs,"
        " disebut di pernyataan aksesibilitas; kosong: baris kontak tidak ditampilkan (belum ditentukan).")
    emblem: Annotated[str, StringConstraints(pattern=EMBLEM_PATTERN)] | None = Field(
        None, description="Lambang: gambar PNG atau JPEG di dalam folder content/ yang dicetak di sampul laporan,"
        " ditulis relatif terhadap folder itu, mis. lambang.png; kosong: sampul tanpa lambang.")
    signatory: Signatory | None = Field(
        None, description="Pengesah laporan: siapa yang mengesahkan laporan coaching clinic di Lembar Pengesahan;"
        " isian yang kosong dicetak sebagai garis untuk diisi tangan (build mendaftarnya). Isian signatory di"
        " berkas coaching clinic menggantikannya untuk laporan klinik itu.")
    cms: Cms | None = Field(None, description="Penyuntingan di peramban: halaman admin/ berisi formulir untuk"
                            " menyunting data; kosong: tanpa halaman admin.")


class Milestone(Record):
    id: MilestoneId = Field(description="Id: M1, M2, M3 atau M4.")
    name: Text = Field(description="Nama: nama tahapan.")
    description: Text = Field(description="Uraian: apa yang dikerjakan pada tahapan ini.")
    output: Text = Field(description="Keluaran: hasil tahapan ini.")


class Subsector(Record):
    id: IndicatorId = Field(description="Id: pengenal subsektor (huruf kecil, angka dan '_'), mis. air_limbah.")
    name: Text = Field(description="Nama: nama subsektor.")
    description: Text | None = Field(None, description="Uraian: penjelasan singkat subsektor.")


class Indicator(Record):
    id: IndicatorId = Field(description="Id: pengenal indikator (huruf kecil, angka dan '_'), mis. ald_aman; dipakai"
                            " sebagai nama kolom nilai di berkas kabupaten/kota.")
    subsector: SubsectorRef = Field(description="Subsektor: id subsektor indikator ini.")
    name: Text = Field(description="Nama: nama indikator.")
    description: Text | None = Field(None, description="Uraian: apa yang diukur indikator ini.")
    unit: Literal["percent"] = Field(description="Satuan: satuan nilai: percent (persen, 0–100).")
    better: Literal["up", "down"] = Field(description="Arah lebih baik: arah perubahan yang lebih baik: up (makin"
                                          " tinggi makin baik) atau down (makin rendah makin baik).")

    def meets(self, value: float, target: float) -> bool:
        return value >= target if self.better == "up" else value <= target


class Target(Record):
    indicator: IndicatorRef = Field(description="Indikator: id indikator yang ditargetkan.")
    scope: Literal["national", "province"] = Field(description="Tingkat: tingkat target: national (nasional) atau"
                                                   " province (provinsi).")
    start: Year = Field(description="Tahun awal: tahun pertama periode target.")
    end: Year = Field(description="Tahun akhir: tahun terakhir periode target.")
    value: Number = Field(description="Nilai target: dalam persen (0–100).")
    source: SourceId = Field(description="Sumber: id dokumen rencana yang menetapkan target.")
    via: SourceId | None = Field(None, description="Dibaca melalui: id sumber tempat target ini dibaca, bila tidak"
                                 " dibaca dari dokumen rencananya sendiri.")
    note: Text | None = Field(None, description="Catatan: keterangan tentang target ini, mis. hubungannya dengan"
                              " target lain.")
    # The province a province-scope target is set for; absent: the site's own province. On a national
    # site every province target names its province (validate.py).
    area: ProvinceRef | None = Field(None, description="Provinsi: kode Kemendagri provinsi yang target provinsinya"
                                     " ini; kosong: provinsi situs ini. Di situs nasional wajib untuk target"
                                     " provinsi, dan tidak diisi untuk target nasional.")

    @model_validator(mode="after")
    def _period_in_order(self) -> Target:
        if self.end < self.start:
            raise ValueError(f"periode terbalik (tertulis {self.start}–{self.end}, seharusnya start ≤ end)")
        if self.scope == "national" and self.area is not None:
            raise ValueError(f"target nasional berlaku untuk seluruh Indonesia (tertulis area: \"{self.area}\");"
                             " hapus area, atau tulis scope: province")
        return self

    def covers(self, year: int) -> bool:
        return self.start <= year <= self.end


class Observation(Record):
    """One measured value of an indicator for a year."""

    year: Year = Field(description="Tahun: tahun yang digambarkan nilai.")
    value: Number = Field(description="Nilai: dalam persen (0–100).")
    source: SourceId = Field(description="Sumber: id sumber nilai ini.")


class Actual(Observation):
    """An observation of the site's own area or of one of its provinces, as listed in indicators.yaml
    (a regency's values are in its own file)."""

    indicator: IndicatorRef = Field(description="Indikator: id indikator.")
    area: ProvinceRef | None = Field(None, description="Provinsi: kode Kemendagri provinsi yang nilainya ini;"
                                     " kosong: wilayah situs ini (di situs nasional: seluruh negeri).")


class Cohort(Record):
    """When a regency went through the PPSP milestones; None where no source says."""

    m1_m3_year: PpspYear | None = Field(None, description="Tahun M1–M3: tahun kabupaten/kota menjalani tahapan"
                                        " M1–M3; kosong bila tidak ada sumber yang menyebutnya.")
    m4_year: PpspYear | None = Field(None, description="Tahun M4: tahun mulai tahapan M4 (progres tahun ke-1);"
                                     " kosong bila tidak ada sumber yang menyebutnya.")
    source: SourceId | None = Field(None, description="Sumber: id sumber tahun tahapan (tahun M4, dan tahun M1–M3"
                                    " bila sumber M1–M3 kosong); wajib bila salah satu tahun diisi.")
    m1_m3_source: SourceId | None = Field(None, description="Sumber M1–M3: id sumber tahun M1–M3, bila bukan"
                                          " sumber di atas; kosong: sumber di atas.")
    note: Text | None = Field(None, description="Catatan sumber: apa yang dinyatakan sumber tentang tahun tahapan,"
                              " mis. dari liputan apa tahun M4 diambil, atau mengapa tahunnya belum diketahui.")

    @model_validator(mode="after")
    def _m4_after_m1_m3(self) -> Cohort:
        if self.m1_m3_year is not None and self.m4_year is not None and self.m4_year <= self.m1_m3_year:
            raise ValueError(
                f"m4_year harus sesudah m1_m3_year (tertulis M1–M3 {self.m1_m3_year}, M4 {self.m4_year})"
            )
        if (self.m4_year and not self.source) or (self.m1_m3_year and not (self.m1_m3_source or self.source)):
            raise ValueError("tahun tahapan perlu sumber: isi ppsp.source dengan id dari sources.yaml")
        return self

    def known_by(self, known: Set[str]) -> Cohort:
        """Only the years whose source is in `known` (see Content.as_of)."""
        m4 = self.m4_year if self.source in known else None
        m1_m3_source = self.m1_m3_source or self.source
        m1_m3 = self.m1_m3_year if m1_m3_source in known else None
        return Cohort(m1_m3_year=m1_m3, m4_year=m4, source=self.source if m4 or (m1_m3 and not self.m1_m3_source)
                      else None, m1_m3_source=self.m1_m3_source if m1_m3 else None,
                      # The note speaks of the years: it stays only while neither is hidden.
                      note=self.note if (m1_m3, m4) == (self.m1_m3_year, self.m4_year) else None)

    def progress_year(self, year: int) -> int | None:
        """'Progres tahun ke-N': the M4 year is year 1; None before M4 or when M4 is unknown."""
        if self.m4_year is None or self.m4_year > year:
            return None
        return year - self.m4_year + 1

    def stage(self, year: int) -> Stage:
        if self.m4_year is not None and self.m4_year <= year:
            return Stage.M4
        if self.m1_m3_year is not None and self.m1_m3_year <= year:
            return Stage.M1_M3
        return Stage.UNKNOWN


class Stage(StrEnum):
    """Where a regency stands in PPSP at a given year."""

    UNKNOWN = "unknown"
    M1_M3 = "m1_m3"
    M4 = "m4"


class Pokja(Record):
    chair: str | None = Field(None, description="Ketua: nama atau jabatan ketua Pokja.")
    secretariat: str | None = Field(None, description="Sekretariat: lembaga sekretariat Pokja.")
    decree: str | None = Field(None, description="Surat keputusan: nomor SK pembentukan Pokja.")
    source: SourceId = Field(description="Sumber: id sumber data Pokja.")


class Document(Record):
    kind: Literal["ssk", "buku_putih", "memorandum", "kerangka_logis", "lainnya"] = Field(
        description="Jenis: jenis dokumen: ssk (Strategi Sanitasi Kabupaten/Kota), buku_putih (Buku Putih Sanitasi),"
        " memorandum (Memorandum Program Sanitasi), kerangka_logis (Kerangka Kerja Logis) atau lainnya.")
    title: NonEmpty = Field(description="Judul: judul dokumen.")
    year: Year | None = Field(None, description="Tahun: tahun dokumen.")
    url: Url | None = Field(None, description="Alamat web: alamat dokumen; kosong bila tidak tersedia daring.")
    source: SourceId = Field(description="Sumber: id sumber yang menyebut dokumen ini.")


class Note(Record):
    """A dated remark on a regency: shown in a clinic's report only when dated on or before the clinic.
    A plain text in YAML is one undated note, which every view shows."""

    date: dt.date | None = Field(None, description="Tanggal: tanggal keadaan yang dicatat (YYYY-MM-DD), biasanya"
                                 " tanggal sumbernya; laporan coaching clinic hanya menampilkan catatan bertanggal"
                                 " pada atau sebelum kliniknya; kosong: ditampilkan di mana saja.")
    text: Text = Field(description="Teks: isi catatan.")
    source: SourceId | None = Field(None, description="Sumber: id sumber isi catatan.")

    @model_validator(mode="before")
    @classmethod
    def _from_plain_text(cls, value: object) -> object:
        plain = isinstance(value, str) or (isinstance(value, dict) and "text" not in value and "id" in value)
        return {"text": value} if plain else value


class Regency(Record):
    slug: Slug = Field(description="Slug: diambil dari nama berkas (content/regencies/<slug>.yaml).")
    name: NonEmpty = Field(description="Nama: nama kabupaten/kota tanpa 'Kab.' atau 'Kota'.")
    type: Literal["kabupaten", "kota"] = Field(description="Jenis: kabupaten atau kota.")
    kemendagri_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}\.[0-9]{2}$")] = Field(
        description='Kode Kemendagri: kode wilayah, mis. "62.09" (dalam YAML ditulis dengan tanda kutip).')
    bps_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")] = Field(
        description='Kode BPS: kode empat angka, mis. "6207", yang dapat berbeda dari kode Kemendagri (dalam YAML'
        " ditulis dengan tanda kutip).")
    capital: NonEmpty | None = Field(None, description="Ibu kota: kota pusat pemerintahan; kosong bila belum"
                                     " diketahui.")
    capital_source: SourceId | None = Field(None, description=CAPITAL_SOURCE)
    sources: list[SourceId] = Field([], description="Sumber identitas: id sumber nama dan kode.")
    population: Quantity | None = Field(None, description="Penduduk: jumlah penduduk (jiwa) dengan tahun dan"
                                        " sumbernya; kosong bila belum ada data.")
    area_km2: Quantity | None = Field(None, description="Luas (km²): luas wilayah dengan tahun dan sumbernya;"
                                      " kosong bila belum ada data.")
    ppsp: Cohort = Field(Cohort(), description="Tahapan PPSP: tahun M1–M3 dan M4 dengan sumbernya; progres tahun"
                         " ke-N dihitung dari tahun M4.")
    pokja: Pokja | None = Field(None, description="Pokja PPSP: susunan Pokja kabupaten/kota; kosong bila belum ada"
                                " data.")
    documents: list[Document] = Field([], description="Dokumen: dokumen sanitasi kabupaten/kota (SSK, Buku Putih,"
                                      " Memorandum, Kerangka Kerja Logis).")
    indicators: dict[IndicatorRef, list[Observation]] = Field(
        {}, description="Nilai indikator: untuk setiap id indikator dari katalog (content/indicators.yaml), nilai per"
        " tahun dengan sumbernya.")
    notes: list[Note] = Field([], description="Catatan: catatan bertanggal tentang kabupaten/kota, masing-masing dengan"
                              " sumbernya, ditampilkan di halamannya; laporan coaching clinic menampilkan yang"
                              " bertanggal pada atau sebelum kliniknya.")

    @model_validator(mode="before")
    @classmethod
    def _one_note(cls, value: object) -> object:
        if isinstance(value, dict) and not isinstance(value.get("notes", []), list):
            value = {**value, "notes": [] if value["notes"] is None else [value["notes"]]}
        return value

    @property
    def cited_sources(self) -> tuple[str, ...]:
        """Every source this regency's facts rest on, each once, in the order first cited."""
        cited = [*self.sources, self.capital_source, self.ppsp.m1_m3_source, self.ppsp.source]
        cited += [q.source for q in (self.population, self.area_km2, self.pokja, *self.documents) if q is not None]
        cited += [o.source for observations in self.indicators.values() for o in observations]
        cited += [n.source for n in self.notes]
        return _unique_ids(cited)

    def completeness(self, catalogue: list[Indicator], year: int) -> Completeness:
        """Which of the items that apply at the regency's stage in `year` have a value (the missing
        ones are its to-do list). The year of a milestone applies once the regency has reached it, or
        while its stage is unknown; so the M4 year does not apply to a regency still in M1–M3 (it
        lies ahead). Every other item applies at every stage (see the methodology page)."""
        stage = self.ppsp.stage(year)
        checks = dict(zip(BASIC_ITEMS, (self.population is not None, self.area_km2 is not None,
                                        self.ppsp.m1_m3_year is not None, self.ppsp.m4_year is not None,
                                        self.pokja is not None, any(d.kind == "ssk" for d in self.documents)),
                          strict=True))
        checks |= {f"indicator:{i.id}": bool(self.indicators.get(i.id)) for i in catalogue}
        ahead = {"m4_year"} if stage is Stage.M1_M3 else set()
        return Completeness(
            filled=tuple(k for k, ok in checks.items() if ok and k not in ahead),
            missing=tuple(k for k, ok in checks.items() if not ok and k not in ahead),
            not_applicable=tuple(k for k in checks if k in ahead),
        )

    def known_by(self, day: dt.date, known: Set[str]) -> Regency:
        """The regency as its facts stood on `day`: values whose source is in `known`, notes dated on
        or before `day` (undated ones kept)."""
        def kept(value: Quantity | None) -> Quantity | None:
            return value if value is not None and value.source in known else None

        return self.model_copy(update={
            "sources": [s for s in self.sources if s in known],
            "capital_source": self.capital_source if self.capital_source in known else None,
            "population": kept(self.population),
            "area_km2": kept(self.area_km2),
            "ppsp": self.ppsp.known_by(known),
            "pokja": self.pokja if self.pokja is not None and self.pokja.source in known else None,
            "documents": [d for d in self.documents if d.source in known],
            "indicators": {i: kept_values for i, values in self.indicators.items()
                           if (kept_values := [o for o in values if o.source in known])},
            "notes": [n for n in self.notes if (n.date is None or n.date <= day)
                      and (n.source is None or n.source in known)],
        })


# The items of completeness besides the indicators, in the order they are listed.
BASIC_ITEMS = ("population", "area_km2", "m1_m3_year", "m4_year", "pokja", "ssk")


@dataclass(frozen=True)
class Completeness:
    """`filled` and `missing` are the items that apply at the regency's stage; `not_applicable`,
    the items that do not (they count neither way)."""

    filled: tuple[str, ...]
    missing: tuple[str, ...]
    not_applicable: tuple[str, ...] = ()

    @property
    def applicable(self) -> int:
        return len(self.filled) + len(self.missing)

    @property
    def ratio(self) -> float:
        return len(self.filled) / self.applicable if self.applicable else 0.0

    def state(self, item: str) -> Literal["filled", "missing", "not_applicable"]:
        """Whether one item (a key of `Content.completeness_items`) has a value, lacks one, or does not apply."""
        return "filled" if item in self.filled else "missing" if item in self.missing else "not_applicable"


class ActionItem(Record):
    id: Slug = Field(description="Id: pengenal tindak lanjut (huruf kecil, angka dan '-'), unik dalam klinik.")
    title: Text = Field(description="Uraian: apa yang harus dikerjakan.")
    owner: NonEmpty = Field(description="Penanggung jawab: siapa yang mengerjakan.")
    due: dt.date = Field(description="Tenggat: tanggal target selesai (YYYY-MM-DD).")
    status: Literal["open", "in_progress", "done", "dropped"] = Field(
        description="Status: status tindak lanjut: open (belum mulai), in_progress (berjalan), done (selesai) atau"
        " dropped (dibatalkan).")
    regency: RegencySlug | None = Field(None, description="Kabupaten/kota: slug kabupaten/kota yang bersangkutan;"
                                        " kosong bila untuk semua.")
    note: Text | None = Field(None, description="Catatan: keterangan tambahan.")


class WorkPlan(Record):
    year: Year = Field(description="Tahun: tahun rencana kerja.")
    items: list[ActionItem] = Field([], description="Kegiatan: butir rencana kerja; kosong bila isinya belum"
                                    " dicatat.")


class Participant(Record):
    regency: RegencySlug = Field(description="Kabupaten/kota: slug kabupaten/kota peserta (nama berkasnya di"
                                 " content/regencies/).")
    progress_year: Annotated[int, Field(ge=1, le=30)] | None = Field(
        None, description="Progres tahun ke-N: seperti disebut pada klinik; diperiksa terhadap tahun M4.")


# A clinic's id: its file's name, "2025-cc7"; for a province's clinic on a national site, whose file is
# clinics/<code>/2025-cc1.yaml, the code and the name, "62-2025-cc1" (two provinces may each hold a CC1).
CLINIC_SLUG = r"^(?:[0-9]{2}-)?[0-9]{4}-cc[0-9]+$"


class Clinic(Record):
    slug: Annotated[str, StringConstraints(pattern=CLINIC_SLUG)] = Field(
        description="Slug: diambil dari nama berkas (content/clinics/<tahun>-cc<nomor>.yaml), dengan kode provinsi"
        " di depannya untuk klinik sebuah provinsi di situs nasional.")
    number: Annotated[int, Field(ge=1, le=99)] = Field(description="Nomor: nomor coaching clinic dalam siklus"
                                                       " tahunnya (CC n).")
    cycle_year: Year = Field(description="Tahun siklus: tahun siklus coaching clinic.")
    start: dt.date = Field(description="Tanggal mulai: YYYY-MM-DD.")
    end: dt.date = Field(description="Tanggal selesai: YYYY-MM-DD; sama dengan tanggal mulai untuk klinik satu"
                         " hari.")
    venue: Text | None = Field(None, description="Tempat: nama tempat pertemuan; kosong bila tidak tercatat dalam"
                               " sumber.")
    city: NonEmpty | None = Field(None, description="Kota: kota tempat pertemuan; kosong bila tidak tercatat dalam"
                                  " sumber.")
    organiser: Text = Field(description="Penyelenggara: lembaga penyelenggara, dalam setiap bahasa.")
    opened_by: Text | None = Field(None, description="Dibuka oleh: jabatan pejabat yang membuka; kosong bila tidak"
                                   " tercatat dalam sumber.")
    milestone_focus: MilestoneRef | None = Field(None, description="Fokus tahapan: M1–M4; kosong bila tidak"
                                                 " disebut.")
    scope: list[SubsectorRef] = Field([], description="Cakupan: id subsektor yang dibahas; kosong bila tidak"
                                      " disebut sumber.")
    participant_count: Annotated[int, Field(ge=0, le=9999)] | None = Field(
        None, description="Jumlah peserta: jumlah kabupaten/kota peserta; diisi terutama bila namanya tidak"
        " diketahui.")
    participants: list[Participant] = Field([], description="Peserta: kabupaten/kota peserta dalam urutan seperti"
                                            " di sumber; kosong bila nama peserta tidak diketahui.")
    agenda: list[Text] = Field([], description="Agenda: butir acara; kosong bila tidak tercatat dalam sumber.")
    findings: list[Text] = Field([], description="Temuan: hal yang ditemukan pada klinik; kosong bila tidak tercatat"
                                 " dalam sumber.")
    outcomes: list[Text] = Field([], description="Hasil: hasil klinik; kosong bila tidak tercatat dalam sumber.")
    action_items: list[ActionItem] = Field([], description="Tindak lanjut: kosong bila belum ada yang dicatat.")
    work_plan: WorkPlan | None = Field(None, description="Rencana kerja: rencana kerja yang disusun pada klinik.")
    sources: list[SourceId] = Field([], description="Sumber: id sumber fakta klinik ini.")
    narrative: Text | None = Field(None, description="Narasi: teks dari <tahun>-cc<nomor>.md (dan .en.md).")
    foreword: Text | None = Field(None, description="Kata pengantar: teks dari <tahun>-cc<nomor>.pengantar.md (dan"
                                  " .pengantar.en.md), dicetak di awal laporan.")
    signatory: ClinicSignatory | None = Field(
        None, description="Pengesah laporan ini: isian yang ditulis di sini menggantikan isian signatory di"
        " site.yaml untuk laporan klinik ini (pejabat pada waktu klinik itu), dengan tanggal pengesahannya.")
    # The province whose clinic this is: the folder its file is in (clinics/<code>/), set by validate.py
    # like the slug. None: a clinic of the site's own area (a province's site, or a national clinic).
    province: ProvinceCode | None = Field(None, description="Provinsi: diambil dari folder berkas"
                                          " (content/clinics/<kode>/) untuk klinik sebuah provinsi di situs"
                                          " nasional.")

    @model_validator(mode="after")
    def _consistent(self) -> Clinic:
        if self.end < self.start:
            raise ValueError(f"tanggal selesai sebelum tanggal mulai (tertulis {self.start} s.d. {self.end})")
        name = f"{self.cycle_year}-cc{self.number}"
        if self.slug != (f"{self.province}-{name}" if self.province else name):
            folder = "" if self.province or self.slug[2:3] != "-" else (
                f"; coaching clinic sebuah provinsi disimpan di folder clinics/{self.slug[:2]}/")
            raise ValueError(f"nama berkas harus {name}.yaml sesuai cycle_year dan number"
                             f" (tertulis {self.file_stem.split('/')[-1]}.yaml){folder}")
        if (self.participant_count is not None and self.participants
                and self.participant_count != len(self.participants)):
            raise ValueError(
                f"participant_count tidak cocok dengan daftar peserta"
                f" (tertulis {self.participant_count}, daftar berisi {len(self.participants)})"
            )
        return self

    @property
    def attendance(self) -> int | None:
        """How many regencies took part, from the list or, where unnamed, the stated count."""
        return len(self.participants) if self.participants else self.participant_count

    @property
    def file_stem(self) -> str:
        """The clinic's files relative to content/clinics/, without their extension: "2025-cc7", or
        "62/2025-cc1" for a province's clinic on a national site."""
        return f"{self.province}/{self.slug.removeprefix(self.province + '-')}" if self.province else self.slug


class Page(Record):
    slug: Slug = Field(description="Slug: diambil dari nama berkas (content/pages/<slug>.md).")
    title: Text = Field(description="Judul: judul halaman.")
    description: Text = Field(description="Deskripsi: satu kalimat tentang halaman, untuk mesin pencari.")
    order: Annotated[int, Field(ge=-9999, le=9999)] = Field(100, description="Urutan: posisi di menu, angka kecil"
                                                            " lebih dulu.")
    layout: Literal["page", "sources"] = Field("page", description="Tata letak: tata letak halaman: page (teks"
                                               " biasa) atau sources (teks lalu daftar semua sumber).")
    body: Text = Field(description="Isi: teks Markdown sesudah front matter.")


class TargetCheck(Record):
    """A value judged against one target. It is judged only when its year lies in the target's period;
    otherwise the check is "not_assessable" (the reason is `value_year` against the period)."""

    target: Target
    status: Literal["met", "behind", "not_assessable", "no_data"]
    value_year: int | None = None
    # Percentage points per year the value must move (up or down, the indicator's better way) from
    # the latest value to reach the target by its last year: only while that year lies ahead and the
    # target is not yet reached.
    pace: float | None = None

    @property
    def reason(self) -> Literal["before_period", "after_period"] | None:
        if self.status != "not_assessable" or self.value_year is None:
            return None
        return "before_period" if self.value_year < self.target.start else "after_period"


@dataclass(frozen=True)
class IndicatorStatus:
    """An indicator's latest value judged against the targets that apply in a given year."""

    indicator: Indicator
    latest: Observation | None
    checks: tuple[TargetCheck, ...]
    # For charts and open data (issue 5): every value by year, and every target of the indicator
    # (all periods and scopes), so a chart draws the history against each target it had.
    series: tuple[Observation, ...] = ()
    targets: tuple[Target, ...] = ()

    @property
    def status(self) -> Literal["met", "behind", "not_assessable", "no_data", "no_target"]:
        """Against the most specific target: the province's where it has one, else the nation's."""
        if not self.checks:
            return "no_data" if self.latest is None else "no_target"
        return self.main_check.status if self.main_check else "no_target"

    @property
    def main_check(self) -> TargetCheck | None:
        """The check the status is read from: the province's target where there is one."""
        return min(self.checks, key=lambda c: c.target.scope != "province") if self.checks else None

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources of the latest value and of the targets it is judged against (and their routes)."""
        latest = (self.latest.source,) if self.latest else ()
        return _unique_ids(latest + tuple(s for c in self.checks for s in (c.target.source, c.target.via)))


def assess(indicator: Indicator, observations: list[Observation], targets: list[Target], year: int) -> IndicatorStatus:
    """The latest value against each scope's target for `year` (the period that holds `year`, else the
    one that ended last before it). A value outside the target's period is not judged."""
    latest = max(observations, key=lambda o: o.year, default=None)
    checks = []
    for scope in ("province", "national"):
        own = [t for t in targets if t.indicator == indicator.id and t.scope == scope]
        current = [t for t in own if t.covers(year)] or sorted(
            (t for t in own if t.end < year), key=lambda t: t.end)[-1:]
        checks += [_check(indicator, latest, target, year) for target in current]
    series = tuple(sorted(observations, key=lambda o: o.year))
    every = tuple(sorted((t for t in targets if t.indicator == indicator.id), key=lambda t: (t.start, t.scope, t.end)))
    return IndicatorStatus(indicator, latest, tuple(checks), series, every)


def _check(indicator: Indicator, latest: Observation | None, target: Target, year: int) -> TargetCheck:
    if latest is None:
        return TargetCheck(target=target, status="no_data")
    met = indicator.meets(latest.value, target.value)
    status: Literal["met", "behind", "not_assessable"] = (
        ("met" if met else "behind") if target.covers(latest.year) else "not_assessable")
    pace = None
    if not met and latest.year < target.end and year <= target.end:
        pace = round(abs(target.value - latest.value) / (target.end - latest.year), 2)
    return TargetCheck(target=target, status=status, value_year=latest.year, pace=pace)


@dataclass(frozen=True)
class RegencyStatus:
    """Everything derived about one regency at the report's as-of date."""

    regency: Regency
    stage: Stage
    progress_year: int | None
    completeness: Completeness
    indicators: tuple[IndicatorStatus, ...]
    clinics: tuple[Clinic, ...]  # the clinics that name this regency among their participants
    # Clinics that name no participants: those whose milestone focus this regency was not at in the
    # clinic's year (it was outside their target group), and the others (its attendance is unknown).
    outside_clinics: tuple[Clinic, ...] = ()
    unknown_clinics: tuple[Clinic, ...] = ()
    # The province it belongs to (by the first part of its Kemendagri code): one of a national site's,
    # or the site's own. Carried here so that a regency's page reads its province from its own subject.
    province: Province | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        return _unique_ids(list(self.regency.cited_sources) + [s for i in self.indicators for s in i.sources])


@dataclass(frozen=True)
class Ranked:
    """A regency's value in an indicator's ranking, and its place (equal values share a place)."""

    regency: Regency
    observation: Observation
    rank: int


@dataclass(frozen=True)
class Unranked:
    """A regency without a value for the ranking's year, with its latest earlier value if it has one."""

    regency: Regency
    latest: Observation | None


@dataclass(frozen=True)
class Ranking:
    """One indicator's values of every regency for the latest year in which any regency has one, best
    first by the indicator's better direction. Equal values share a place (1, 2, 2, 4) and keep the
    order of the Kemendagri codes. The regencies without a value for that year are listed apart, in
    code order: they are not ranked last, their value is unknown."""

    indicator: Indicator
    year: int | None  # None: no regency has a value yet
    ranked: tuple[Ranked, ...]
    unranked: tuple[Unranked, ...]
    targets: tuple[Target, ...] = ()  # the indicator's targets whose period holds `year`

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources of the ranked values, then of the latest earlier values of the others."""
        return _unique_ids([e.observation.source for e in self.ranked]
                           + [u.latest.source for u in self.unranked if u.latest])


def rank(indicator: Indicator, regencies: Sequence[Regency], targets: Sequence[Target] = ()) -> Ranking:
    """Each regency in the ranking is named by its identity only (see _identity)."""
    ordered = [_identity(r, indicator) for r in sorted(regencies, key=lambda r: r.kemendagri_code)]
    values = {r.slug: r.indicators.get(indicator.id, []) for r in ordered}
    year = max((o.year for observations in values.values() for o in observations), default=None)
    measured = [(r, o) for r in ordered for o in values[r.slug] if o.year == year]
    # Python's sort is stable: equal values keep the code order.
    measured.sort(key=lambda pair: -pair[1].value if indicator.better == "up" else pair[1].value)
    ranked: list[Ranked] = []
    for place, (regency, observation) in enumerate(measured, start=1):
        tied = bool(ranked) and ranked[-1].observation.value == observation.value
        ranked.append(Ranked(regency, observation, ranked[-1].rank if tied else place))
    placed = {r.slug for r, _ in measured}
    unranked = tuple(Unranked(r, max(values[r.slug], key=lambda o: o.year, default=None))
                     for r in ordered if r.slug not in placed)
    applying = tuple(sorted((t for t in targets if t.indicator == indicator.id and year is not None
                             and t.covers(year)), key=lambda t: (t.scope != "province", t.start)))
    return Ranking(indicator, year, tuple(ranked), unranked, applying)


def _identity(regency: Regency, indicator: Indicator) -> Regency:
    """A regency as a ranking shows it: its name, kind, codes and this indicator's values, none of its
    other facts (they stay unset). An indicator's page is made again when one of these changes, not
    when a regency's notes or population do."""
    return Regency.model_construct(slug=regency.slug, name=regency.name, type=regency.type,
                                   kemendagri_code=regency.kemendagri_code, bps_code=regency.bps_code,
                                   indicators={k: v for k, v in regency.indicators.items() if k == indicator.id})


@dataclass(frozen=True)
class AreaStatus:
    """An area above the regencies at the report's as-of date: one province of a national site, or the
    site's own area (a province, or the nation). Its regencies that have a file ("reported"), its own
    indicator values against the targets that apply to it, and how many regencies it has in all."""

    area: Province
    level: Literal["national", "province"]
    statuses: tuple[RegencyStatus, ...]  # in Kemendagri code order
    indicators: tuple[IndicatorStatus, ...]
    expected: int | None  # its regencies and cities (provinces.yaml); None where not recorded
    clinics: tuple[Clinic, ...] = ()  # held by its Pokja, or naming one of its regencies; by date

    @property
    def code(self) -> str:
        return self.area.kemendagri_code

    @property
    def reported(self) -> int:
        return len(self.statuses)

    @property
    def stage_counts(self) -> dict[Stage, int]:
        return _stage_counts(self.statuses)

    @property
    def progress_year_counts(self) -> dict[int, int]:
        return _progress_year_counts(self.statuses)

    @property
    def m4_share(self) -> float | None:
        """Regencies at M4 as a share (0-1) of all the area's regencies: of its expected count where that
        is recorded (a regency that has not reported is not counted at M4), else of those reported.
        None while none has reported: nothing is known yet."""
        if not self.reported:
            return None
        return self.stage_counts[Stage.M4] / max(self.expected or 0, self.reported)

    @property
    def progress_spread(self) -> tuple[int, float, int] | None:
        """The lowest, median and highest year at M4 among its regencies at M4; None when none is."""
        years = sorted(s.progress_year for s in self.statuses if s.progress_year is not None)
        return (years[0], statistics.median(years), years[-1]) if years else None

    @property
    def completeness(self) -> float | None:
        """The mean completeness (0-1) of its reported regencies; None when none has reported."""
        return statistics.fmean(s.completeness.ratio for s in self.statuses) if self.statuses else None

    @property
    def targets_met(self) -> tuple[int, int]:
        """How many of its own indicators meet their target, of those that can be judged (met or behind)."""
        judged = [i.status for i in self.indicators if i.status in ("met", "behind")]
        return judged.count("met"), len(judged)

    @property
    def population_total(self) -> Quantity | None:
        """Its stated population, else the sum of its regencies when every one of them has reported it."""
        return self.area.population or (_sum([s.regency.population for s in self.statuses])
                                        if self.reported >= (self.expected or 0) else None)

    @property
    def area_total(self) -> Quantity | None:
        return self.area.area_km2 or (_sum([s.regency.area_km2 for s in self.statuses])
                                      if self.reported >= (self.expected or 0) else None)


def _stage_counts(statuses: Sequence[RegencyStatus]) -> dict[Stage, int]:
    counts = Counter(s.stage for s in statuses)
    return {stage: counts[stage] for stage in (Stage.M4, Stage.M1_M3, Stage.UNKNOWN)}


def _progress_year_counts(statuses: Sequence[RegencyStatus]) -> dict[int, int]:
    counts = Counter(s.progress_year for s in statuses if s.progress_year is not None)
    return dict(sorted(counts.items()))


class MapLayout(Record):
    """content/map.yaml: where each regency's tile sits on the province's schematic tile-grid map.

    Positions are a drawing, not geography: one cell per regency in its rough place, north at the top.
    """

    layout: Literal["tile-grid"] = Field("tile-grid", description="Jenis peta: bentuk peta: tile-grid (satu kotak per"
                                         " kabupaten/kota).")
    note: Text | None = Field(None, description="Catatan peta: ditampilkan bersama peta.")
    tiles: dict[RegencySlug, tuple[Annotated[int, Field(ge=0, le=49)], Annotated[int, Field(ge=0, le=49)]]] = Field(
        description="Kotak: untuk setiap slug kabupaten/kota, [kolom, baris] dihitung dari kiri atas (utara di"
        " atas), diletakkan kira-kira sesuai letaknya; bukan batas wilayah, jarak atau luas. Setiap kabupaten/kota"
        " tepat satu kotak, dan tidak ada dua kotak di sel yang sama.")

    @property
    def columns(self) -> int:
        return max((column for column, _ in self.tiles.values()), default=-1) + 1

    @property
    def rows(self) -> int:
        return max((row for _, row in self.tiles.values()), default=-1) + 1


class Content(Record):
    """The whole validated content tree."""

    site: Site
    sources: list[Source]
    milestones: list[Milestone]
    subsectors: list[Subsector]
    indicators: list[Indicator]
    targets: list[Target]
    actuals: list[Actual]
    regencies: list[Regency]
    clinics: list[Clinic]
    pages: list[Page]
    map: MapLayout | None = None  # the schematic map (issue 5); content/map.yaml is optional
    provinces: list[Province] = []  # content/provinces.yaml, for a national site
    emblem: Emblem | None = None  # the file site.yaml's `emblem` names, checked

    def province_of(self, regency: Regency) -> Province:
        """The province a regency belongs to: the one whose code starts its Kemendagri code."""
        return self.province_by_code.get(regency.kemendagri_code.split(".")[0], self.site.province)

    @cached_property
    def province_by_code(self) -> dict[str, Province]:
        """The provinces of a national site (provinces.yaml) by Kemendagri code; empty on a province's site."""
        return {p.kemendagri_code: p for p in self.provinces}

    def area_of(self, code: str | None) -> str | None:
        """The area a value, target or clinic belongs to: None for the site's own area (no code, or on a
        province's site its own code), else the province's code."""
        return None if code is None or (self.site.scope == "province" and code == self.site.province.kemendagri_code) \
            else code

    def targets_for(self, area: str | None) -> list[Target]:
        """The targets that apply to an area (see area_of): the national ones and the area's own."""
        if area not in self._targets_by_area:
            self._targets_by_area[area] = [t for t in self.targets
                                           if t.scope == "national" or self.area_of(t.area) == area]
        return self._targets_by_area[area]

    @cached_property
    def _targets_by_area(self) -> dict[str | None, list[Target]]:
        return {}

    def _area_indicators(self, area: str | None) -> list[IndicatorStatus]:
        """An area's own indicator values (indicators.yaml `actuals`) against the targets that apply to it."""
        actuals = [a for a in self.actuals if self.area_of(a.area) == area]
        return [assess(i, [a for a in actuals if a.indicator == i.id], self.targets_for(area), self.year)
                for i in self.indicators]

    @property
    def statuses_by_province(self) -> list[tuple[Province, list[RegencyStatus]]]:
        """Regencies grouped by province in code order (one group on a provincial site); provinces
        without a regency file are left out (province_statuses has them)."""
        if self.site.scope != "nation":
            return [(self.site.province, self.statuses)] if self.statuses else []
        return [(p.area, list(p.statuses)) for p in self.province_statuses if p.statuses]

    @cached_property
    def province_statuses(self) -> list[AreaStatus]:
        """Every province of a national site (provinces.yaml), in code order, those that have not
        reported included; empty on a province's site, whose own area is `area_status`."""
        members: dict[str, list[RegencyStatus]] = {p.kemendagri_code: [] for p in self.provinces}
        for status in self.statuses:
            members.setdefault(self.province_of(status.regency).kemendagri_code, []).append(status)
        result = []
        for province in sorted(self.provinces, key=lambda p: p.kemendagri_code):
            code = province.kemendagri_code
            slugs = {s.regency.slug for s in members[code]}
            clinics = tuple(c for c in self.clinics_by_date if c.province == code or (
                c.province is None and any(p.regency in slugs for p in c.participants)))
            result.append(AreaStatus(province, "province", tuple(members[code]), tuple(self._area_indicators(code)),
                                     province.regency_count, clinics))
        return result

    @cached_property
    def area_status(self) -> AreaStatus:
        """The site's own area: the nation (expecting the sum of its provinces' regencies, where every
        province records its count) or the province."""
        if self.site.scope == "nation":
            counts = [p.regency_count for p in self.provinces]
            expected = sum(c for c in counts if c is not None) if counts and None not in counts else None
        else:
            expected = self.site.province.regency_count
        return AreaStatus(self.site.province, "national" if self.site.scope == "nation" else "province",
                          tuple(self.statuses), tuple(self.province_indicators), expected, tuple(self.clinics_by_date))

    @property
    def year(self) -> int:
        return self.site.as_of.year

    @cached_property
    def source_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @cached_property
    def regency_by_slug(self) -> dict[str, Regency]:
        return {r.slug: r for r in self.regencies}

    @cached_property
    def subsector_by_id(self) -> dict[str, Subsector]:
        return {s.id: s for s in self.subsectors}

    @cached_property
    def milestone_by_id(self) -> dict[str, Milestone]:
        return {m.id: m for m in self.milestones}

    @cached_property
    def clinics_by_date(self) -> list[Clinic]:
        return sorted(self.clinics, key=lambda c: (c.start, c.number))

    @property
    def latest_clinic(self) -> Clinic | None:
        return self.clinics_by_date[-1] if self.clinics else None

    def previous_clinic(self, clinic: Clinic) -> Clinic | None:
        """The latest earlier clinic of the same series: the same milestone focus (numbering runs per
        year and per group of regencies, so CC1 of a new cohort does not precede CC6 of the M4 group),
        held by the same province (or, like it, at the site's own level)."""
        ordered = self.clinics_by_date
        earlier = [c for c in ordered[:ordered.index(clinic)]
                   if c.milestone_focus == clinic.milestone_focus and c.province == clinic.province]
        return earlier[-1] if earlier else None

    @cached_property
    def statuses(self) -> list[RegencyStatus]:
        """One status per regency, in the order of their Kemendagri codes."""
        result = []
        attended = {c.slug: {p.regency for p in c.participants} for c in self.clinics}
        unnamed = [c for c in self.clinics_by_date if not c.participants]
        for regency in sorted(self.regencies, key=lambda r: r.kemendagri_code):
            province = self.province_of(regency)
            area = self.area_of(province.kemendagri_code)
            # A province's clinic that names no participants concerns that province's regencies only.
            concerned = [c for c in unnamed if self.area_of(c.province) in (None, area)]
            outside = tuple(c for c in concerned if _outside_focus(regency, c))
            targets = self.targets_for(area)
            result.append(RegencyStatus(
                regency=regency,
                stage=regency.ppsp.stage(self.year),
                progress_year=regency.ppsp.progress_year(self.year),
                completeness=regency.completeness(self.indicators, self.year),
                indicators=tuple(
                    assess(i, regency.indicators.get(i.id, []), targets, self.year) for i in self.indicators
                ),
                clinics=tuple(
                    c for c in self.clinics_by_date if regency.slug in attended[c.slug]
                ),
                outside_clinics=outside,
                unknown_clinics=tuple(c for c in concerned if c not in outside),
                province=province,
            ))
        return result

    def as_of(self, day: dt.date) -> Content:
        """The content as it stood on `day`, dated to it: the facts whose source is dated on or before
        `day` (a source dated only by month or year counts from the first day of it; an undated one is
        kept: in this content, those are the standing plans that set the targets), the regency notes
        dated on or before it (undated ones kept) and the clinics that had started by then. A clinic's
        report and page show this view of their clinic's last day. The same view for the same day."""
        if day not in self._views:
            self._views[day] = self._as_of(day)
        return self._views[day]

    @cached_property
    def _views(self) -> dict[dt.date, Content]:
        return {}

    def _as_of(self, day: dt.date) -> Content:
        known = {s.id for s in self.sources if s.known_from is None or s.known_from <= day}
        return Content.model_construct(**{
            **{name: getattr(self, name) for name in type(self).model_fields},
            "site": self.site.model_copy(update={"as_of": day}),
            "regencies": [r.known_by(day, known) for r in self.regencies],
            "actuals": [a for a in self.actuals if a.source in known],
            "targets": [t for t in self.targets if t.source in known],
            "clinics": [c for c in self.clinics if c.start <= day],
        })

    @cached_property
    def openable_sources(self) -> frozenset[str]:
        """The sources a reader can open: with an address of their own, or read through (`via`) a
        source that has one. A fact citing any other source is marked on the page."""
        return frozenset(s.id for s in self.sources
                         if s.url or (s.via and s.via in self.source_by_id and self.source_by_id[s.via].url))

    def status_of(self, slug: str) -> RegencyStatus:
        return self._status_by_slug[slug]

    @cached_property
    def _status_by_slug(self) -> dict[str, RegencyStatus]:
        return {s.regency.slug: s for s in self.statuses}

    @cached_property
    def province_indicators(self) -> list[IndicatorStatus]:
        """The site's own area's values (a province's, or on a national site the nation's) against the
        targets that apply to it; a national site's provinces have theirs in province_statuses."""
        return self._area_indicators(None)

    @cached_property
    def rankings(self) -> list[Ranking]:
        """Per catalogue indicator, the regencies ranked by their latest year's values (issue 24)."""
        return [rank(i, self.regencies, self.targets) for i in self.indicators]

    @property
    def stage_counts(self) -> dict[Stage, int]:
        return self.area_status.stage_counts

    @property
    def progress_year_counts(self) -> dict[int, int]:
        return self.area_status.progress_year_counts

    @property
    def value_counts(self) -> dict[str, int]:
        """How many indicator values (a value per indicator and year) the site holds at each level of
        area, as the open data's indikator.csv lists them: national (a national site's own), province
        (a province site's own, or a national site's provinces') and regency."""
        own = sum(len(i.series) for i in self.province_indicators)
        provinces = sum(len(i.series) for a in self.province_statuses for i in a.indicators)
        national = self.site.scope == "nation"
        return {"national": own if national else 0, "province": provinces if national else own,
                "regency": sum(len(i.series) for s in self.statuses for i in s.indicators)}

    @property
    def population_total(self) -> Quantity | None:
        """The province's stated population, else the sum of its regencies when all are known."""
        return self.site.province.population or _sum([r.population for r in self.regencies])

    @property
    def area_total(self) -> Quantity | None:
        return self.site.province.area_km2 or _sum([r.area_km2 for r in self.regencies])

    def report_sections(self, clinic: Clinic) -> list[tuple[RegencyStatus, Participant | None]]:
        """The regencies a clinic's report covers: its named participants, or every regency (of the
        clinic's province, for a province's clinic on a national site) when the participants were not
        named (the report then says so)."""
        if clinic.participants:
            return [(self.status_of(p.regency), p) for p in clinic.participants]
        area = self.area_of(clinic.province)
        return [(status, None) for status in self.statuses
                if area is None or self.province_of(status.regency).kemendagri_code == area]

    def clinic_area(self, clinic: Clinic) -> AreaStatus:
        """The area a clinic's report describes: on a national site, the province that held it (its
        folder); else the site's own area (a province, or the nation for a national clinic)."""
        area = self.area_of(clinic.province)
        return next((a for a in self.province_statuses if a.code == area), self.area_status)

    def report_volumes(self, clinic: Clinic) -> list[tuple[Province, list[tuple[RegencyStatus, Participant | None]]]]:
        """A report whose regencies lie in more than one province is printed as volumes, one per province
        (in code order) with its regencies' sections, beside a summary: those sections by province; []
        when one ordinary report holds them all."""
        if self.site.scope != "nation":
            return []
        groups: dict[str, list[tuple[RegencyStatus, Participant | None]]] = {}
        for status, participant in self.report_sections(clinic):
            groups.setdefault(self.province_of(status.regency).kemendagri_code, []).append((status, participant))
        if len(groups) < 2:
            return []
        return [(self.province_by_code[code], groups[code]) for code in sorted(groups)]

    @property
    def completeness_items(self) -> tuple[str, ...]:
        """Every item completeness counts, in order: the data items, then each indicator of the catalogue."""
        return (*BASIC_ITEMS, *(f"indicator:{i.id}" for i in self.indicators))

    def figure_sources(self, statuses: Sequence[RegencyStatus]) -> dict[str, tuple[str, ...]]:
        """Where each kind of figure about `statuses` (and the province's indicators) comes from: the
        sources cited, by kind, each once in the order first cited (a report's data notes)."""
        regencies = [s.regency for s in statuses]
        found: dict[str, Sequence[str | None]] = {
            "population": [r.population.source for r in regencies if r.population],
            "area_km2": [r.area_km2.source for r in regencies if r.area_km2],
            "milestones": [s for r in regencies for s in (r.ppsp.m1_m3_source, r.ppsp.source)],
            "values": [a.source for a in self.actuals] + [o.source for r in regencies
                                                          for values in r.indicators.values() for o in values],
            "targets": [t.source for t in self.targets],
            "pokja": [r.pokja.source for r in regencies if r.pokja]
                     + [d.source for r in regencies for d in r.documents],
        }
        return {kind: ids for kind, cited in found.items() if (ids := _unique_ids(cited))}

    def detailed_sections(self, clinic: Clinic, sections: Sequence[tuple[RegencyStatus, Participant | None]]
                          ) -> list[tuple[RegencyStatus, Participant | None]]:
        return detailed_sections(clinic, sections)

    def signatory_for(self, clinic: Clinic) -> ClinicSignatory:
        """Who approves a clinic's report: site.yaml's `signatory`, with each field the clinic's own file
        writes (even as null) in its place."""
        default = ClinicSignatory(**(self.site.signatory.model_dump() if self.site.signatory else {}))
        own = clinic.signatory
        return default if own is None else default.model_copy(
            update={name: getattr(own, name) for name in own.model_fields_set})

    def report_blanks(self, clinic: Clinic) -> tuple[str, ...]:
        """The front-matter values of a clinic's report not recorded in the content: each prints as a
        line to fill in by hand, and the build lists them."""
        signatory = self.signatory_for(clinic)
        blanks = [f"signatory.{name}" for name in ClinicSignatory.PRINTED if getattr(signatory, name) is None]
        return tuple(blanks + ([] if clinic.city else ["city"]))

    def report_sources(self, clinic: Clinic) -> tuple[str, ...]:
        """What a clinic's report cites: the clinic, its area and its regencies' sections (those of a
        report printed in volumes are in their volumes, with their sources)."""
        area = self.clinic_area(clinic)
        cited = [*clinic.sources, *area.area.sources]
        cited += [s for i in area.indicators for s in i.sources]
        if not self.report_volumes(clinic):
            cited += [s for status, _ in self.report_sections(clinic) for s in status.sources]
        return _unique_ids(cited)

    def progress_at(self, clinic: Clinic, slug: str) -> int | None:
        """Progress year of a regency in the clinic's cycle year, derived from its M4 year."""
        return self.regency_by_slug[slug].ppsp.progress_year(clinic.cycle_year)


def detailed_sections(clinic: Clinic, sections: Sequence[tuple[RegencyStatus, Participant | None]]
                      ) -> list[tuple[RegencyStatus, Participant | None]]:
    """The regencies among `sections` that get a section of their own in the clinic's report: those
    with more to show than their stage, cohort years, attendance and identity (a Pokja, a document,
    an indicator value, or an action item agreed at this clinic). The others share one table."""
    named = {item.regency for item in clinic.action_items}
    return [(status, p) for status, p in sections
            if status.regency.pokja or status.regency.documents or status.regency.indicators
            or status.regency.slug in named]


_FOCUS_STAGE = {"M1": Stage.M1_M3, "M2": Stage.M1_M3, "M3": Stage.M1_M3, "M4": Stage.M4}


def _outside_focus(regency: Regency, clinic: Clinic) -> bool:
    """Whether the regency's known stage in the clinic's year is not the stage the clinic was for."""
    stage = regency.ppsp.stage(clinic.cycle_year)
    focus = _FOCUS_STAGE.get(clinic.milestone_focus or "")
    return focus is not None and stage is not Stage.UNKNOWN and stage is not focus


def _sum(quantities: list[Quantity | None]) -> Quantity | None:
    known = [q for q in quantities if q is not None]
    if not known or len(known) < len(quantities) or len({(q.year, q.source) for q in known}) != 1:
        return None
    return Quantity(value=round(sum(q.value for q in known), 2), year=known[0].year, source=known[0].source)


def _unique_ids(ids: Sequence[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in ids if i))
