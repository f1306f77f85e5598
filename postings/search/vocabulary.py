"""The words pharmacy technicians use for the same thing: what a search for one form also finds.

A table for a pharmacist to review; nothing here but data. Each entry is a set of `forms` that mean the same
thing, so a search for any of them finds postings that say any other ("tech" finds "technician", and
"technician" finds "tech"). `also` lists what a short form stands for but that does not stand for it: "PA"
finds "prior authorization", but a search for "prior authorization" does not look for "PA", which in a
posting is as often Pennsylvania. `note` says why the entry is there.

How the forms are read (postings/search/keywords.py):
- case does not matter, and a hyphen is a space: "long-term care" is the form "long term care";
- a form of several words is found as a phrase (the words next to each other), and a search for those words
  still finds what it found before (postings with all of them, anywhere);
- the words are stemmed as in the postings ("authorizations" is "authorization"), and a search for a
  one-word form with an "s" at the end ("techs", "IVs") counts as that form;
- a quoted phrase ("\"pharmacy tech\"") is searched as typed, without this table.

Every entry has a test in tests/postings/test_vocabulary.py: a posting that says one form is found by each
of the others.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    forms: tuple[str, ...]
    also: tuple[str, ...] = ()
    note: str = ""


VOCABULARY: tuple[Entry, ...] = (
    # -- The role -------------------------------------------------------------------------------------------
    Entry(("technician", "tech"), note="What most technicians call themselves and most postings shorten to."),
    Entry(("pharmacy", "pharm"), note='"Pharm tech".'),
    Entry(("rx",), also=("pharmacy", "prescription"), note='"Rx tech", "Rx clerk": Rx stands for either.'),
    Entry(
        ("pharmacy technician", "pharmacy tech", "pharm tech", "rx tech", "rx technician"),
        note="The title itself, as technicians type it.",
    ),
    Entry(("certified pharmacy technician", "cpht"), note="PTCB's (and NHA's) CPhT credential."),
    Entry(("compounded sterile preparation technician", "cspt"), note="PTCB's sterile compounding credential."),
    Entry(("ptcb", "pharmacy technician certification board"), note="The US certifying board."),
    Entry(("regulated pharmacy technician", "rpht"), note="The regulated role in Canada (outside Quebec)."),
    Entry(("assistant technique en pharmacie", "atp"), note="Quebec's title for the role."),
    Entry(("rph",), also=("pharmacist",), note="A registered pharmacist, on whose licence a technician works."),
    Entry(("tech check tech", "tct"), note="Technicians checking technicians' fills."),
    # -- Settings -------------------------------------------------------------------------------------------
    Entry(("long term care", "ltc"), note="Closed-door pharmacies serving care homes."),
    Entry(("mail order", "mailorder"), note="Mail-service pharmacies; a hyphen is a space already."),
    Entry(("nuclear pharmacy", "radiopharmacy"), note="Radiopharmaceutical preparation."),
    Entry(
        ("pbm", "pharmacy benefit manager", "pharmacy benefits manager", "pharmacy benefit management"),
        note="Benefit managers and their call centres.",
    ),
    # -- Work -----------------------------------------------------------------------------------------------
    Entry(("iv", "intravenous", "i.v."), note="The IV room: sterile intravenous admixtures."),
    Entry(("tpn", "total parenteral nutrition"), note="Prepared in the IV room."),
    Entry(
        ("prior authorization", "prior authorisation", "prior auth"),
        note="Insurance approvals before a fill; both spellings are used in Canada.",
    ),
    Entry(
        ("pa",),
        also=("prior authorization", "prior authorisation", "prior auth"),
        note="One way only: PA in a posting is as often Pennsylvania or a physician assistant.",
    ),
    Entry(
        ("med rec", "medication reconciliation", "med reconciliation"),
        note="Checking a patient's medication list at admission, transfer and discharge.",
    ),
    Entry(
        ("dea",),
        also=("drug enforcement administration", "controlled substances"),
        note="DEA work is the controlled-substance counts, orders (form 222) and records.",
    ),
    Entry(("usp 797", "usp797"), also=("sterile compounding",), note="The sterile compounding standard."),
    Entry(("usp 800", "usp800"), also=("hazardous drugs",), note="The hazardous drug handling standard."),
    Entry(("usp 795", "usp795"), also=("non sterile compounding",), note="The non-sterile compounding standard."),
    Entry(("usp 825", "usp825"), also=("radiopharmaceuticals",), note="The radiopharmaceutical standard."),
    Entry(("otc", "over the counter"), note="Non-prescription medicines on the shelf."),
    Entry(
        ("adc", "automated dispensing cabinet", "automated dispensing"),
        note="Pyxis and Omnicell cabinets, restocked by technicians.",
    ),
    # -- Terms of work --------------------------------------------------------------------------------------
    Entry(("prn", "per diem"), note="As-needed shifts."),
    Entry(("ce", "continuing education"), note="Continuing education, which credentials require yearly."),
    Entry(("sign on bonus", "signing bonus"), note="A hyphen is a space already: sign-on bonus."),
)
