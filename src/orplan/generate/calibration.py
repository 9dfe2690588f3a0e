"""Calibration tables for the scenario generator, each value with its source.

Every number below carries a source tag (see :data:`SOURCES`). ``A`` marks an assumption made
for orplan: plausible to a theatre planner, but not measured. ``U22`` is the public theatre log
in ``/work/shared/data/or-utilization-2022q1`` (2,172 cases; its README calls it
realistic-format synthetic data), from which we take median surgical minutes (end - start) per
procedure and the median wheels-out to next wheels-in gap per service. Its within-procedure
spread is implausibly small (repeated timestamps), so spreads are *not* taken from it.

Durations are knife-to-close minutes (``Case.duration``). They are lognormal, as Strum, May &
Vargas (Anesthesiology 2000) found for >50,000 cases: ``log(duration) ~ N(log(median),
sigma**2)``. The spread splits in two (:data:`PREDICTABLE_SHARE`): a case factor known at
booking (patient, surgeon) moves each case's own median, and the rest
(:func:`residual_sigma`) is the case's uncertainty on the day. A generated case's
``duration`` is the *mean* of its own lognormal and ``duration_sd`` its standard deviation,
as the Case model defines them; over a family, the median of ``duration`` is therefore the
calibrated median times ``exp(residual_sigma**2 / 2)`` (1-5% above it).

NCSP codes are NCSP-style: the chapter letter and group follow the Nordic classification
(e.g. ``N`` musculoskeletal, ``J`` digestive, ``K`` urinary/male genital), but the full codes
are not checked against the official code list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SOURCES: dict[str, str] = {
    "A": "assumption for orplan (plausible, not measured)",
    "U22": "or-utilization-2022q1 public theatre log (realistic-format synthetic data)",
    "DOM": "/work/shared/docs/domain.md",
    "HDIR": "Helsedirektoratet, Pakkeforløp for kreft, forløpstider (kirurgisk behandling)",
    "RR": "Riksrevisjonen Dok. 3:4 (2004-05): theatres idle on 30% of working days",
    "STRUM": "Strum, May & Vargas, Anesthesiology 2000 (lognormal durations)",
    "AAGBI": "Whitaker et al., Immediate post-anaesthesia recovery 2013 (AAGBI guideline, "
    "Anaesthesia 2013), citing NHS Health Building Note 26: at least 2 PACU beds per theatre",
    "LATEX": "Tan et al., Contact Dermatitis 1997: latex allergy in about 1% of the general "
    "population; Wu et al., J Occup Health 2016: 4.3% pooled (sensitisation included)",
}


@dataclass(frozen=True)
class Specialty:
    """A surgical specialty and the theatre parameters that depend on it.

    Attributes
    ----------
    id
        Specialty id used in scenarios.
    code
        Three-letter code used in surgeon ids (``S-ORT-01``).
    name
        Name for people.
    turnover
        Minutes of cleaning and set-up after each case (wheels-out to next wheels-in).
    overtime
        Minutes a session of this specialty may run past its closing time.
    source
        Source tag of ``turnover`` and ``overtime``.
    """

    id: str
    code: str
    name: str
    turnover: int
    overtime: int
    source: str


# Turnover: U22 median wheels-out -> next wheels-in gap per service, rounded to 5 min
# (Orthopedics 33, General 32.5, OBGYN 34, Urology 33, Vascular 30, ENT 30, Plastic 29,
# Pediatrics 26.5). Services not in U22 (cardiothoracic, neuro, breast-endocrine, sarcoma):
# assumption. Overtime: 30 min for every session (A); 60 min where single cases run 4-5 h (A).
SPECIALTIES: dict[str, Specialty] = {
    s.id: s
    for s in (
        Specialty("orthopaedics", "ORT", "Orthopaedic surgery", 35, 30, "U22 Orthopedics 33; ot A"),
        Specialty("gastro", "GAS", "Gastrointestinal surgery", 35, 30, "U22 General 32.5; ot A"),
        Specialty("gynaecology", "GYN", "Gynaecology", 35, 30, "U22 OBGYN 34; ot A"),
        Specialty("gyn-oncology", "GON", "Gynaecological oncology", 35, 30, "A (as OBGYN)"),
        Specialty("urology", "URO", "Urology", 35, 30, "U22 Urology 33; ot A"),
        Specialty("vascular", "VAS", "Vascular surgery", 30, 30, "U22 Vascular 30; ot A"),
        Specialty("ent", "ENT", "Ear, nose and throat", 30, 30, "U22 ENT 30; ot A"),
        Specialty("plastic", "PLA", "Plastic surgery", 30, 60, "U22 Plastic 29; ot A"),
        Specialty(
            "paediatric-surgery", "PED", "Paediatric surgery", 25, 30, "U22 Pediatrics 26.5; ot A"
        ),
        Specialty("cardiothoracic", "CTS", "Cardiothoracic surgery", 45, 60, "A"),
        Specialty("neurosurgery", "NEU", "Neurosurgery", 40, 60, "A"),
        Specialty("breast-endocrine", "BEN", "Breast and endocrine surgery", 30, 30, "A"),
        Specialty("sarcoma", "SAR", "Sarcoma (orthopaedic oncology)", 40, 60, "A"),
    )
}


@dataclass(frozen=True)
class Pathway:
    """A cancer patient pathway ('pakkeforløp') and its standard time to surgery.

    Attributes
    ----------
    id
        Pathway id.
    days
        Standard calendar days from referral received to start of surgical treatment.
    source
        Source tag; ``A`` where the standard time was not checked.
    """

    id: str
    days: int
    source: str


PATHWAYS: dict[str, Pathway] = {
    p.id: p
    for p in (
        Pathway("colorectal", 35, "HDIR (tykk- og endetarmskreft, 35 d)"),
        Pathway("liver", 39, "DOM; HDIR (primær leverkreft, reseksjon 39 d)"),
        Pathway("breast", 32, "HDIR (brystkreft, kirurgisk 32 d)"),
        Pathway("thyroid", 41, "DOM; HDIR (skjoldbruskkjertelkreft 41 d)"),
        Pathway("sarcoma", 43, "DOM; HDIR (sarkom 43 d)"),
        # The remaining standard times were not looked up: 42 days (A), between the
        # sourced 32 and 43 days.
        *(
            Pathway(name, 42, "A")
            for name in (
                "bladder",
                "brain",
                "cervical",
                "endometrial",
                "head-neck",
                "kidney",
                "lung",
                "melanoma",
                "ovarian",
                "pancreas",
                "prostate",
            )
        ),
    )
}


@dataclass(frozen=True)
class Family:
    """A procedure family: one NCSP-style code with a lognormal duration.

    Attributes
    ----------
    specialty
        Specialty that performs it.
    name
        Procedure name written into cases.
    ncsp
        NCSP-style procedure code (unique across families).
    median
        Median knife-to-close minutes.
    sigma
        Standard deviation of log(duration) across cases of the family.
    weight
        Relative frequency within the specialty's waiting list.
    requires
        Theatre capabilities the procedure needs.
    cancer_share
        Share of the family's cases that are on a cancer pathway.
    pathway
        The cancer pathway of those cases.
    source
        Source of the median (sigma and weight are assumptions throughout; STRUM for shape).
    """

    specialty: str
    name: str
    ncsp: str
    median: int
    sigma: float
    weight: float
    requires: tuple[str, ...] = ()
    cancer_share: float = 0.0
    pathway: str | None = None
    source: str = "A"

    @property
    def mu(self) -> float:
        """Location parameter of the lognormal: ``log(median)``."""
        return math.log(self.median)

    @property
    def mean(self) -> float:
        """Mean minutes of the lognormal: ``median * exp(sigma**2 / 2)``."""
        return self.median * math.exp(self.sigma**2 / 2)


_LF, _HY, _RB = ("laminar-flow",), ("hybrid",), ("robot",)

# fmt: off
FAMILIES: tuple[Family, ...] = (
    # specialty, name, ncsp, median, sigma, weight, requires, cancer share, pathway, source
    Family("orthopaedics", "Total hip replacement", "NFB40", 90, 0.25, 3.0, _LF,
           source="U22 hip arthroplasty 88"),
    Family("orthopaedics", "Total knee replacement", "NGB40", 85, 0.25, 3.0, _LF,
           source="U22 knee arthroplasty 85"),
    Family("orthopaedics", "Knee arthroscopy", "NGA11", 35, 0.40, 2.0,
           source="U22 knee arthroscopy 36"),
    Family("orthopaedics", "Arthroscopic shoulder decompression", "NBH51", 60, 0.35, 1.5),
    Family("orthopaedics", "Lumbar spinal decompression", "ABC56", 95, 0.40, 1.5),
    Family("orthopaedics", "Carpal tunnel release", "ACC51", 35, 0.35, 1.0,
           source="U22 carpal tunnel release 35.5"),
    Family("orthopaedics", "Ankle fracture fixation", "NHJ62", 75, 0.35, 1.0),
    Family("gastro", "Laparoscopic cholecystectomy", "JKA21", 50, 0.35, 3.0,
           source="U22 laparoscopic cholecystectomy 48"),
    Family("gastro", "Inguinal hernia repair", "JAB30", 55, 0.35, 2.5),
    Family("gastro", "Laparoscopic right hemicolectomy", "JFB43", 150, 0.30, 1.5,
           cancer_share=0.8, pathway="colorectal"),
    Family("gastro", "Anterior resection of rectum", "JGB10", 210, 0.30, 1.0,
           cancer_share=0.9, pathway="colorectal"),
    Family("gastro", "Liver resection", "JJB10", 240, 0.30, 0.7,
           cancer_share=0.85, pathway="liver"),
    Family("gastro", "Pancreaticoduodenectomy", "JLC30", 330, 0.20, 0.3,
           cancer_share=0.9, pathway="pancreas"),
    Family("gastro", "Laparoscopic sleeve gastrectomy", "JDF96", 95, 0.25, 1.0,
           source="U22 sleeve gastrectomy 96"),
    Family("gynaecology", "Laparoscopic hysterectomy", "LCD11", 110, 0.35, 2.0),
    Family("gynaecology", "Robot-assisted hysterectomy", "LCD01", 120, 0.30, 1.0, _RB),
    Family("gynaecology", "Hysteroscopic resection", "LCB28", 30, 0.40, 2.0),
    Family("gynaecology", "Conisation of cervix", "LDC10", 25, 0.40, 1.5),
    Family("gynaecology", "Laparoscopic ovarian cystectomy", "LAC11", 70, 0.35, 1.5),
    Family("gynaecology", "Vaginal prolapse repair", "LEF13", 75, 0.30, 1.0),
    Family("gyn-oncology", "Robot-assisted hysterectomy for endometrial cancer", "LCD04",
           150, 0.30, 2.0, _RB, cancer_share=0.95, pathway="endometrial"),
    Family("gyn-oncology", "Radical hysterectomy", "LCD40", 210, 0.30, 0.8,
           cancer_share=0.95, pathway="cervical"),
    Family("gyn-oncology", "Ovarian cancer debulking surgery", "LAE20", 270, 0.25, 1.2,
           cancer_share=0.95, pathway="ovarian"),
    Family("gyn-oncology", "Laparoscopic salpingo-oophorectomy", "LAF11", 70, 0.35, 1.0),
    Family("urology", "Robot-assisted radical prostatectomy", "KEC01", 180, 0.25, 2.0, _RB,
           cancer_share=1.0, pathway="prostate"),
    Family("urology", "Transurethral resection of bladder tumour", "KCD32", 35, 0.45, 2.5,
           cancer_share=0.6, pathway="bladder"),
    Family("urology", "Transurethral resection of prostate", "KED22", 60, 0.35, 1.5),
    Family("urology", "Ureteroscopic stone removal", "KBJ20", 55, 0.40, 2.0),
    Family("urology", "Robot-assisted partial nephrectomy", "KAC21", 170, 0.30, 0.8, _RB,
           cancer_share=0.9, pathway="kidney"),
    Family("urology", "Cystoscopy under anaesthesia", "KCA05", 20, 0.40, 1.0,
           source="U22 cystourethroscopy 22"),
    Family("vascular", "Endovascular aortic aneurysm repair", "PDQ22", 150, 0.35, 1.5, _HY),
    Family("vascular", "Carotid endarterectomy", "PAF21", 100, 0.30, 1.5),
    Family("vascular", "Femoropopliteal bypass", "PEH20", 180, 0.30, 1.0),
    Family("vascular", "Arteriovenous fistula for dialysis", "PHB10", 55, 0.30, 2.0,
           source="U22 AV fistula 52"),
    Family("vascular", "Toe amputation", "NHQ13", 35, 0.35, 1.0,
           source="U22 digital amputation 33"),
    Family("ent", "Tonsillectomy", "EMB10", 30, 0.35, 3.0, source="U22 tonsillectomy 28"),
    Family("ent", "Septoplasty", "DJD20", 55, 0.30, 1.5, source="U22 septoplasty 52.5"),
    Family("ent", "Endoscopic sinus surgery", "DHC22", 90, 0.35, 1.5),
    Family("ent", "Tympanostomy tubes", "DCA20", 25, 0.35, 2.0,
           source="U22 myringotomy 27.5 / tympanostomy 32"),
    Family("ent", "Tympanoplasty", "DDA20", 120, 0.30, 0.8),
    Family("ent", "Neck dissection", "PJD52", 180, 0.30, 0.5,
           cancer_share=0.9, pathway="head-neck"),
    Family("plastic", "Breast reconstruction with free flap", "HAE20", 300, 0.20, 0.8),
    Family("plastic", "Excision of skin tumour", "QBE10", 35, 0.40, 3.0,
           cancer_share=0.3, pathway="melanoma", source="U22 removal of skin lesion 34"),
    Family("plastic", "Reduction mammoplasty", "HAD30", 150, 0.30, 1.0),
    Family("plastic", "Flexor tendon repair", "NDL40", 50, 0.30, 1.5,
           source="U22 flexor tendon repair 47"),
    Family("cardiothoracic", "Coronary artery bypass grafting", "FNC10", 240, 0.20, 2.0),
    Family("cardiothoracic", "Aortic valve replacement", "FMD00", 210, 0.20, 1.5),
    Family("cardiothoracic", "Mitral valve repair", "FKD10", 240, 0.20, 0.7),
    Family("cardiothoracic", "Thoracoscopic lung lobectomy", "GDC01", 180, 0.30, 1.5,
           cancer_share=0.9, pathway="lung"),
    Family("neurosurgery", "Craniotomy for brain tumour", "AAB00", 240, 0.25, 1.5,
           cancer_share=0.7, pathway="brain"),
    Family("neurosurgery", "Lumbar microdiscectomy", "ABC16", 75, 0.35, 2.0),
    Family("neurosurgery", "Anterior cervical discectomy and fusion", "ABC26", 150, 0.30, 1.5),
    Family("neurosurgery", "Ventriculoperitoneal shunt", "AAF00", 60, 0.40, 1.0),
    Family("paediatric-surgery", "Inguinal hernia repair in child", "JAB00", 40, 0.35, 2.5),
    Family("paediatric-surgery", "Orchidopexy", "KFH00", 45, 0.35, 2.0),
    Family("paediatric-surgery", "Hypospadias repair", "KGH10", 120, 0.35, 1.0),
    Family("paediatric-surgery", "Laparoscopic appendicectomy", "JEA01", 50, 0.35, 1.5),
    Family("paediatric-surgery", "Umbilical hernia repair in child", "JAF10", 35, 0.35, 1.0),
    Family("breast-endocrine", "Mastectomy with sentinel node biopsy", "HAC20", 100, 0.30,
           2.0, cancer_share=0.95, pathway="breast"),
    Family("breast-endocrine", "Breast-conserving surgery", "HAB40", 70, 0.35, 2.5,
           cancer_share=0.95, pathway="breast"),
    Family("breast-endocrine", "Thyroidectomy", "BAA60", 120, 0.35, 1.5,
           cancer_share=0.35, pathway="thyroid"),
    Family("breast-endocrine", "Parathyroidectomy", "BBA00", 75, 0.35, 1.0),
    Family("sarcoma", "Soft-tissue sarcoma resection", "QDB10", 180, 0.35, 2.0,
           cancer_share=1.0, pathway="sarcoma"),
    Family("sarcoma", "Bone tumour resection with endoprosthesis", "NGQ99", 300, 0.20, 1.0,
           _LF, cancer_share=1.0, pathway="sarcoma"),
)
# fmt: on

#: Share of a family's log-variance that is known when the case is booked (patient,
#: surgeon): it varies the cases' own medians. The rest is the residual uncertainty of one
#: case around its own median (its ``duration`` is the mean of that lognormal, see the
#: module docstring). Assumption (A).
PREDICTABLE_SHARE = 0.5

#: Theatre capabilities given to a specialty's dedicated theatres: the share of them that
#: has the capability (at least one theatre always does). Assumption (A).
CAPABILITIES: dict[str, tuple[tuple[str, float], ...]] = {
    "orthopaedics": (("laminar-flow", 2 / 3),),
    "sarcoma": (("laminar-flow", 0.5),),
    "vascular": (("hybrid", 1 / 3),),
    "urology": (("robot", 0.4),),
    "gynaecology": (("robot", 0.34),),
    "gyn-oncology": (("robot", 0.34),),
}

#: Session hours: 08:00-15:30 (the pilot's regular day; RR found theatres little used
#: before 09:00 or after 15:00). Minutes after midnight.
SESSION_OPEN, SESSION_CLOSE = 8 * 60, 15 * 60 + 30

#: Surgeon daily maxima (operating minutes) and their probabilities. Assumption (A).
SURGEON_DAILY_MAX: tuple[tuple[int, float], ...] = ((360, 0.2), (420, 0.5), (480, 0.3))

#: Surgeon-days needed per open session (some sessions are shared by two surgeons). (A)
SURGEONS_PER_SESSION = 1.3

#: Priority classes 1 (most urgent) .. 4 and their shares, and the allowed wait (days from
#: release to legal deadline) of each class. Assumption (A): OUS's classes are not public.
PRIORITY_SHARES: tuple[float, float, float, float] = (0.02, 0.18, 0.50, 0.30)
CANCER_PRIORITY_SHARES: tuple[float, float, float, float] = (0.10, 0.90, 0.0, 0.0)
ALLOWED_WAIT_DAYS: dict[int, int] = {1: 14, 2: 42, 3: 90, 4: 180}

#: Cancer cases: days already elapsed since referral, uniform in ``[days - 20, days + 3]``,
#: so 1 in 8 is past its standard time when the horizon starts (A; the national
#: target is that at least 70% start within it, DOM). Release is 14 days before the
#: standard-time deadline (the surgical phase of the sourced pathways is 13-21 days, HDIR).
CANCER_ELAPSED_SLACK: tuple[int, int] = (20, 3)
CANCER_SURGICAL_PHASE_DAYS = 14

#: Non-cancer cases already past their legal deadline: days overdue ~ 1 + Exp(mean 14),
#: capped at 60 (A).
OVERDUE_MEAN_DAYS, OVERDUE_MAX_DAYS = 14, 60


def families_of(specialty: str) -> list[Family]:
    """Return the procedure families of ``specialty`` in table order."""
    return [f for f in FAMILIES if f.specialty == specialty]


def family_by_ncsp(code: str) -> Family:
    """Return the family with NCSP code ``code`` (raises ``KeyError`` if none)."""
    for family in FAMILIES:
        if family.ncsp == code:
            return family
    raise KeyError(code)


def residual_sigma(family: Family) -> float:
    """Log-spread of one case's duration around its own median (``duration`` is the mean).

    .. math:: \\sigma_{res} = \\sigma_f \\sqrt{1 - s}, \\quad s = \\text{PREDICTABLE\\_SHARE}

    Parameters
    ----------
    family
        The case's procedure family.

    Returns
    -------
    float
    """
    return family.sigma * math.sqrt(1.0 - PREDICTABLE_SHARE)


def expected_case_minutes(specialty: str) -> float:
    """Weighted mean of (mean duration + turnover) over the specialty's families."""
    fams = families_of(specialty)
    total = sum(f.weight for f in fams)
    turnover = SPECIALTIES[specialty].turnover
    return sum(f.weight * (f.mean + turnover) for f in fams) / total


def expected_cancer_share(specialty: str) -> float:
    """Expected share of cancer-pathway cases among the specialty's cases."""
    fams = families_of(specialty)
    total = sum(f.weight for f in fams)
    return sum(f.weight * f.cancer_share for f in fams) / total


# --- Clinical resources (issue 4) ------------------------------------------------------------


@dataclass(frozen=True)
class EquipmentKind:
    """A kind of shared mobile equipment.

    Attributes
    ----------
    id
        Kind id; a site's units are the equipment item ``<site>-<id>`` (``ULL-c-arm``).
    name
        Name for people.
    setup
        Minutes a unit is busy after each case (transport, draping, cleaning). Every setup
        is shorter than the turnover of the specialties that use the kind, so back-to-back
        cases in one theatre never need two units; the count binds across theatres.
    source
        Source tag.
    """

    id: str
    name: str
    setup: int
    source: str


EQUIPMENT_KINDS: dict[str, EquipmentKind] = {
    k.id: k
    for k in (
        EquipmentKind("c-arm", "Mobile C-arm (fluoroscopy)", 15, "A"),
        EquipmentKind("robot", "Surgical robot (patient cart, console, vision tower)", 30, "A"),
        EquipmentKind("microscope", "Operating microscope", 20, "A"),
    )
}


@dataclass(frozen=True)
class Clinical:
    """What a procedure family needs around the operation (all values: assumption A).

    Attributes
    ----------
    recovery
        Minutes in a PACU bed after the case; 0 for cardiac surgery, whose patients go
        straight to the ICU.
    icu
        ``(low, high)`` ICU days counting the surgery day, drawn uniformly per case.
    ward
        ``(low, high)`` ward days (nights in a ward bed) after the ICU days, drawn uniformly.
    equipment
        Equipment kinds (:data:`EQUIPMENT_KINDS`) the procedure needs.
    child
        Share of the family's patients who are children (flag ``child``).
    diabetic, infected
        Family-specific shares of the ``diabetic`` / ``infected`` flags, replacing
        :data:`FLAG_SHARES` (e.g. diabetic foot ulcers before a toe amputation).
    """

    recovery: int
    icu: tuple[int, int] = (0, 0)
    ward: tuple[int, int] = (0, 0)
    equipment: tuple[str, ...] = ()
    child: float = 0.0
    diabetic: float | None = None
    infected: float | None = None


_CA, _RO, _MI = ("c-arm",), ("robot",), ("microscope",)

# Recovery: day surgery 45-60 min, intermediate 60-90, major surgery 120-180. Ward days are
# nights in a ward bed: day surgery 0, fast-track joint replacement 2-4, colorectal and
# other major cancer surgery 5-7 after one ICU (or high-dependency) night, cardiac surgery
# 1-2 ICU days. C-arm: fracture fixation, spine level checks, stones, completion angiography
# and endoprostheses; microscope: neurosurgery, middle ear, free-flap anastomoses; robot:
# the robot-assisted families. EVAR has the hybrid theatre's fixed imaging (no C-arm).
# fmt: off
CLINICAL: dict[str, Clinical] = {
    # orthopaedics
    "NFB40": Clinical(90, ward=(2, 4)),                       # total hip replacement
    "NGB40": Clinical(90, ward=(2, 4)),                       # total knee replacement
    "NGA11": Clinical(45),                                    # knee arthroscopy
    "NBH51": Clinical(60),                                    # shoulder decompression
    "ABC56": Clinical(75, ward=(1, 3), equipment=_CA),        # lumbar decompression
    "ACC51": Clinical(45),                                    # carpal tunnel release
    "NHJ62": Clinical(60, ward=(1, 2), equipment=_CA),        # ankle fracture fixation
    # gastro
    "JKA21": Clinical(60, ward=(0, 1)),                       # lap. cholecystectomy
    "JAB30": Clinical(45),                                    # inguinal hernia
    "JFB43": Clinical(120, ward=(3, 5)),                      # right hemicolectomy
    "JGB10": Clinical(150, icu=(1, 1), ward=(5, 7)),          # anterior resection
    "JJB10": Clinical(150, icu=(1, 1), ward=(5, 7)),          # liver resection
    "JLC30": Clinical(180, icu=(1, 2), ward=(6, 9)),          # pancreaticoduodenectomy
    "JDF96": Clinical(90, ward=(1, 2)),                       # sleeve gastrectomy
    # gynaecology
    "LCD11": Clinical(90, ward=(1, 2)),                       # lap. hysterectomy
    "LCD01": Clinical(90, ward=(1, 1), equipment=_RO),        # robot hysterectomy
    "LCB28": Clinical(45),                                    # hysteroscopic resection
    "LDC10": Clinical(45),                                    # conisation
    "LAC11": Clinical(60, ward=(0, 1)),                       # ovarian cystectomy
    "LEF13": Clinical(60, ward=(1, 2)),                       # prolapse repair
    # gyn-oncology
    "LCD04": Clinical(90, ward=(1, 2), equipment=_RO),        # robot hysterectomy, cancer
    "LCD40": Clinical(150, ward=(3, 5)),                      # radical hysterectomy
    "LAE20": Clinical(180, icu=(1, 1), ward=(5, 7)),          # ovarian debulking
    "LAF11": Clinical(60, ward=(0, 1)),                       # salpingo-oophorectomy
    # urology
    "KEC01": Clinical(120, ward=(1, 2), equipment=_RO),       # robot prostatectomy
    "KCD32": Clinical(60, ward=(0, 1)),                       # TURBT
    "KED22": Clinical(60, ward=(1, 2)),                       # TURP
    "KBJ20": Clinical(45, ward=(0, 1), equipment=_CA),        # ureteroscopic stones
    "KAC21": Clinical(120, ward=(2, 3), equipment=_RO),       # robot partial nephrectomy
    "KCA05": Clinical(45),                                    # cystoscopy
    # vascular
    "PDQ22": Clinical(120, ward=(2, 3)),                      # EVAR (hybrid theatre)
    "PAF21": Clinical(120, ward=(1, 2)),                      # carotid endarterectomy
    "PEH20": Clinical(120, ward=(4, 6), equipment=_CA, diabetic=0.3),  # fem-pop bypass
    "PHB10": Clinical(45, diabetic=0.4),                      # AV fistula
    "NHQ13": Clinical(45, ward=(1, 3), diabetic=0.6, infected=0.4),    # toe amputation
    # ent
    "EMB10": Clinical(60, ward=(0, 1), child=0.5),            # tonsillectomy
    "DJD20": Clinical(45),                                    # septoplasty
    "DHC22": Clinical(60),                                    # endoscopic sinus surgery
    "DCA20": Clinical(45, child=0.9),                         # tympanostomy tubes
    "DDA20": Clinical(60, ward=(0, 1), equipment=_MI),        # tympanoplasty
    "PJD52": Clinical(150, icu=(0, 1), ward=(3, 5)),          # neck dissection
    # plastic
    "HAE20": Clinical(180, icu=(1, 1), ward=(4, 6), equipment=_MI),  # free-flap breast
    "QBE10": Clinical(45),                                    # skin tumour excision
    "HAD30": Clinical(90, ward=(1, 1)),                       # reduction mammoplasty
    "NDL40": Clinical(45),                                    # flexor tendon repair
    # cardiothoracic: straight to the ICU, no PACU
    "FNC10": Clinical(0, icu=(1, 2), ward=(4, 6)),            # CABG
    "FMD00": Clinical(0, icu=(1, 2), ward=(4, 6)),            # aortic valve replacement
    "FKD10": Clinical(0, icu=(1, 2), ward=(4, 6)),            # mitral valve repair
    "GDC01": Clinical(120, ward=(3, 4)),                      # thoracoscopic lobectomy
    # neurosurgery
    "AAB00": Clinical(120, icu=(1, 1), ward=(3, 5), equipment=_MI),  # craniotomy, tumour
    "ABC16": Clinical(60, ward=(0, 1), equipment=_MI + _CA),  # microdiscectomy
    "ABC26": Clinical(90, ward=(1, 2), equipment=_MI + _CA),  # ACDF
    "AAF00": Clinical(90, ward=(2, 4)),                       # VP shunt
    # paediatric surgery
    "JAB00": Clinical(45, child=1.0),                         # inguinal hernia, child
    "KFH00": Clinical(45, child=1.0),                         # orchidopexy
    "KGH10": Clinical(60, ward=(1, 3), child=1.0),            # hypospadias repair
    "JEA01": Clinical(60, ward=(1, 2), child=1.0),            # lap. appendicectomy
    "JAF10": Clinical(45, child=1.0),                         # umbilical hernia, child
    # breast-endocrine
    "HAC20": Clinical(60, ward=(0, 1)),                       # mastectomy + SLNB
    "HAB40": Clinical(60),                                    # breast-conserving surgery
    "BAA60": Clinical(90, ward=(1, 1)),                       # thyroidectomy
    "BBA00": Clinical(60, ward=(0, 1)),                       # parathyroidectomy
    # sarcoma
    "QDB10": Clinical(120, ward=(3, 6)),                      # soft-tissue sarcoma
    "NGQ99": Clinical(150, icu=(0, 1), ward=(5, 8), equipment=_CA),  # endoprosthesis
}
# fmt: on

#: Patient flags of adults, as shares of cases (children carry only ``child`` and
#: ``latex-allergy``). ``latex-allergy`` 1.5%: LATEX (about 1% of the general population;
#: 4.3% pooled when sensitisation counts) and the issue's 1-2%. ``infected`` 3%: patients
#: under contact precautions (resistant bacteria, infected field), A. ``diabetic`` 10%: A
#: (surgical patients are older than the population; some families override it).
FLAG_SHARES: dict[str, float] = {"latex-allergy": 0.015, "infected": 0.03, "diabetic": 0.10}

#: PACU beds per *running* theatre (mean sessions per working day at the site), and the
#: share of them staffed from :data:`PACU_EVENING_START` to midnight. A (the issue: ~1.5;
#: AAGBI asks for at least 2 per theatre, so this PACU is deliberately tight).
PACU_BEDS_PER_THEATRE = 1.5
PACU_EVENING_SHARE = 0.5
PACU_EVENING_START = 17 * 60

#: ICU and ward beds are the expected steady-state peak census of elective patients times
#: this headroom (A): full theatres with the average case mix nearly fill them, so a plan
#: that picks more long-stay cases than average runs into the bed limit.
BED_HEADROOM = 1.1

#: Anaesthesia teams short on Fridays at each site (A: the anaesthetist on call Thursday
#: night has Friday off); other days every theatre of the site can be staffed.
FRIDAY_TEAM_SHORTFALL = 1

#: Share of surgeons who prefer two of their operating weekdays, and (drawn separately)
#: share who prefer one of their specialty's dedicated theatres. A.
PREFERENCE_SHARE = 0.25


def clinical_of(family: Family) -> Clinical:
    """Return the clinical needs of ``family`` (raises ``KeyError`` if it has none)."""
    return CLINICAL[family.ncsp]


def flag_share(family: Family, flag: str) -> float:
    """Share of the family's adult patients with ``flag`` (diabetic, infected, latex)."""
    clinical = clinical_of(family)
    override = {"diabetic": clinical.diabetic, "infected": clinical.infected}.get(flag)
    return FLAG_SHARES[flag] if override is None else override


def stay_probability(family: Family, kind: str, lag: int) -> float:
    """Probability that a patient of ``family`` is in a ``kind`` bed ``lag`` days after surgery.

    ICU days ``i`` and ward days ``w`` are independent uniform integers; the patient is in
    the ICU on lags ``0 <= lag < i`` and in a ward on ``i <= lag < i + w``.
    """
    clinical = clinical_of(family)
    icus = range(clinical.icu[0], clinical.icu[1] + 1)
    wards = range(clinical.ward[0], clinical.ward[1] + 1)
    hits = 0
    for i in icus:
        for w in wards:
            if kind == "icu":
                hits += lag < i
            else:
                hits += i <= lag < i + w
    return hits / (len(icus) * len(wards))
