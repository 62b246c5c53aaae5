"""The development set for the reading and matching pipeline: questions the way people write them
in Slack (sentences, pasted headlines and tweets with Slack's encoding, typos, field jargon,
Ukrainian and Russian, chatter), over the same data as tests/quality.py. The matcher was
developed against this set and LABELLED; the blind held-out set (bench/heldout) is not used for
development. Used by tests/test_quality.py and bench/quality.py."""

from __future__ import annotations

from tests.quality import CASUALTIES, REFUGEES, RW_EUROPE, refugees_in, rw, tanks

OPT = "occupied Palestinian territory"

# (question, acceptable topics; () means "no match")
DEV: list[tuple[str, tuple[str, ...]]] = [
    # Natural sentences
    ("hey what's the latest on how many tanks russia has lost?", (tanks("tanks"),)),
    ("does anyone know how many russian soldiers have been killed by now?", (CASUALTIES,)),
    (
        "quick question: how many refugees from ukraine are in poland right now",
        refugees_in("Poland", "Poland"),
    ),
    (
        "can someone tell me the current count of russian helicopters destroyed",
        (tanks("helicopters"),),
    ),
    ("how many people in yemen need humanitarian help?", (rw("Yemen", "People in Need"),)),
    (
        "i'm wondering how many syrian refugees live in jordan",
        (rw("Syria", "Syrian Refugees in Jordan"),),
    ),
    # Pasted headlines and tweets, with Slack's encoding already decoded
    ("Russia's defence ministry says only 498 Russian troops have been killed", (CASUALTIES,)),
    (
        "BREAKING: Ukraine says Russia has lost 200 tanks since the start of the invasion "
        "https://example.org/news/123 #StandWithUkraine :flag-ua:",
        (tanks("tanks"),),
    ),
    (
        "More than 1.5 million Ukrainian refugees have crossed into Poland, UNHCR says "
        "— Jane Doe (@janedoe) March 7, 2022",
        refugees_in("Poland", "Poland"),
    ),
    (
        "#RussianLosses: another 15 helicopters shot down, per the General Staff",
        (tanks("helicopters"),),
    ),
    ("@channel Ukraine's General Staff: RU drones downed today", (tanks("drones"),)),
    # Typos
    ("russain tnaks lost", (tanks("tanks"),)),
    ("refugeees in hungray", refugees_in("Hungary", "Hungary")),
    ("ukranian refugees in slovkia", refugees_in("Slovakia", "Slovakia")),
    ("helicoptors shot down by ukraine", (tanks("helicopters"),)),
    # Jargon and abbreviations
    ("RU KIA", (CASUALTIES,)),
    ("RU tanks", (tanks("tanks"),)),
    ("APCs lost", (tanks("armoured personnel carriers"),)),
    ("afvs destroyed", (tanks("armoured personnel carriers"),)),
    ("UAVs shot down", (tanks("drones"),)),
    ("MLRS losses", (tanks("multiple rocket launchers"),)),
    ("SAMs lost", (tanks("air defence systems"),)),
    ("PiN yemen", (rw("Yemen", "People in Need"),)),
    (
        "IDPs sudan",
        (
            rw("Sudan", "IDPs"),
            rw("Sudan", "Clashes between SAF & RSF: People Internally Displaced"),
        ),
    ),
    ("IPC 3+ somalia", (rw("Somalia", "People in Food Crisis/Emergency (IPC phase 3+)"),)),
    ("russian MoD figures for troops killed", (CASUALTIES,)),
    ("oPt children killed", (rw(OPT, "Palestinian Children Killed - Direct Conflict (per year)"),)),
    ("russian POWs", (CASUALTIES,)),
    ("DRC IDPs", (rw("Democratic Republic of the Congo", "IDPs"),)),
    ("VKS aircraft losses", (tanks("aircraft"),)),
    ("200s russia", (CASUALTIES,)),
    ("GenStaff figures on russian artillery", (tanks("artillery systems"),)),
    # Ukrainian and Russian, and a few other languages
    ("беженцы из украины в германии", refugees_in("Germany")),
    ("russische Verluste", (CASUALTIES,)),
    ("втрати росії", (CASUALTIES,)),
    ("скільки танків втратила росія", (tanks("tanks"),)),
    ("втрати росії гелікоптери", (tanks("helicopters"),)),
    ("беженцы в польше", refugees_in("Poland", "Poland")),
    ("біженці з україни в німеччині", refugees_in("Germany")),
    ("сколько российских танков уничтожено", (tanks("tanks"),)),
    ("українські біженці в чехії", refugees_in("Czech Republic", "Czech Republic")),
    ("Flüchtlinge aus der Ukraine in Polen", refugees_in("Poland", "Poland")),
    ("refugiados ucranianos en alemania", refugees_in("Germany")),
    # Distinct things stay distinct
    ("tanks lost", (tanks("tanks"),)),
    ("armoured vehicles lost", (tanks("armoured personnel carriers"),)),
    ("refugees from ukraine overall", (REFUGEES, RW_EUROPE)),
    # Chatter, and questions about what the data does not hold: no match
    ("thanks!", ()),
    ("thanks", ()),
    ("help me", ()),
    ("ok", ()),
    ("good morning", ()),
    ("hi there", ()),
    ("lol", ()),
    ("дякую", ()),
    ("спасибо", ()),
    ("russian losses in syria", ()),
    ("us troops killed in iraq", ()),
    ("refugees in australia", ()),
    ("syrian refugees in germany", ()),
    ("ukrainian tank losses", ()),
    ("втрати україни", ()),
    ("georgia war 2008 casualties", ()),
    ("chechnya war deaths", ()),
    ("who is the president of france", ()),
    ("earthquake deaths in turkey", ()),
]
