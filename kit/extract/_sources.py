"""Who said it: known claimants and outlets, and the phrases that attribute a figure.

The registry gives a canonical claimant name (as the ledger spells it), its
type and the method it usually works by, so a draft row can fill those fields
with a stated confidence. Outlets (news media) relay figures; when the text
names no other source an outlet's own investigation is the claimant.
Names not in the registry are still found as capitalised names before an
attribution verb; their type is then left for the reviewer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from kit.extract._dates import DAYS, DAYS_AND_MONTHS, MONTHS


@dataclass(frozen=True, slots=True)
class Source:
    """A claimant or outlet as the ledger names it."""

    name: str
    claimant_type: str  # '' when unknown
    method: str  # usual method; '' when it depends on the text
    is_outlet: bool = False
    aliases: tuple[str, ...] = ()


KNOWN_SOURCES: tuple[Source, ...] = (
    Source("CJTF-OIR", "belligerent", "acknowledged_after_investigation", False, (
        "CJTF-OIR", "CJTF OIR", "Combined Joint Task Force", "Combined Joint Task Force-Operation Inherent Resolve",
        "Combined Joint Task Force – Operation Inherent Resolve", "Operation Inherent Resolve task force",
        "US-led coalition", "U.S.-led coalition", "US-led Coalition", "U.S.-led Coalition", "the coalition",
        "the Coalition", "anti-ISIS coalition", "anti-IS coalition", "international coalition", "Coalition",
        "the alliance", "the Alliance",
    )),
    Source("US Department of Defense", "belligerent", "official_statement", False, (
        "Pentagon", "the Pentagon", "US Department of Defense", "U.S. Department of Defense",
        "Department of Defense", "the US", "the U.S.", "the United States", "US military", "U.S. military", "CENTCOM",
        "US Central Command", "U.S. Central Command", "Central Command",
    )),
    Source("Airwars", "monitor", "graded_open_source_monitoring", False, ("Airwars", "Airwars monitoring group")),
    Source("Amnesty International", "ngo", "field_investigation", False, ("Amnesty International", "Amnesty")),
    Source("Human Rights Watch", "ngo", "field_investigation", False, ("Human Rights Watch", "HRW")),
    Source("Syrian Network for Human Rights (SNHR)", "monitor", "documented_enumeration", False, (
        "Syrian Network for Human Rights", "SNHR",
    )),
    Source("Syrian Observatory for Human Rights (SOHR)", "monitor", "documented_enumeration", False, (
        "Syrian Observatory for Human Rights", "SOHR", "Syrian Observatory", "the Observatory", "Observatory",
    )),
    Source("Iraq Body Count (IBC)", "monitor", "documented_enumeration", False, ("Iraq Body Count", "IBC")),
    Source("ACLED", "monitor", "documented_enumeration", False, (
        "ACLED", "Armed Conflict Location & Event Data Project", "Armed Conflict Location and Event Data Project",
        "Armed Conflict Location & Event Data", "Armed Conflict Location and Event Data",
    )),
    Source("UNAMI (UN Assistance Mission for Iraq)", "un_body", "documented_enumeration", False, (
        "UNAMI", "UN Assistance Mission for Iraq", "United Nations Assistance Mission for Iraq",
    )),
    Source("OHCHR", "un_body", "documented_enumeration", False, (
        "OHCHR", "UN human rights office", "UN Human Rights Office", "Office of the High Commissioner for Human Rights",
        "UN Human Rights Monitoring Mission in Ukraine", "UN Human Rights Monitoring Mission", "HRMMU",
        "Human Rights Monitoring Mission in Ukraine", "Monitoring Mission of the UN Human Rights Office",
        "UN Office of the High Commissioner for Human Rights", "UN rights office", "UN Human Rights office",
    )),
    Source("UNAMA (UN Assistance Mission in Afghanistan)", "un_body", "documented_enumeration", False, (
        "UNAMA", "UN Assistance Mission in Afghanistan", "U.N. Assistance Mission in Afghanistan",
        "United Nations Assistance Mission in Afghanistan",
    )),
    Source("MONUSCO (UN mission in DR Congo)", "un_body", "", False, (
        "MONUSCO", "United Nations Organization Stabilization Mission in the Democratic Republic of the Congo",
    )),
    Source("MINUSCA (UN mission in the Central African Republic)", "un_body", "", False, (
        "MINUSCA", "United Nations Multidimensional Integrated Stabilization Mission in the Central African Republic",
    )),
    Source("MINUSMA (UN mission in Mali)", "un_body", "", False, (
        "MINUSMA", "United Nations Multidimensional Integrated Stabilization Mission in Mali",
    )),
    Source("UNMISS (UN mission in South Sudan)", "un_body", "", False, (
        "UNMISS", "United Nations Mission in South Sudan", "UN Mission in South Sudan",
    )),
    Source("UNIFIL (UN force in Lebanon)", "un_body", "", False, (
        "UNIFIL", "United Nations Interim Force in Lebanon", "UN Interim Force in Lebanon",
    )),
    Source("OCHA", "un_body", "", False, (
        "OCHA", "UN Office for the Coordination of Humanitarian Affairs", "UN humanitarian office",
        "Office for the Coordination of Humanitarian Affairs", "UN humanitarian affairs office",
        "United Nations Office for the Coordination of Humanitarian Affairs", "UN humanitarian agency",
    )),
    Source("United Nations", "un_body", "", False, ("United Nations", "the UN", "UN", "U.N.", "the U.N.")),
    Source("World Health Organization", "un_body", "", False, ("World Health Organization", "WHO")),
    Source("UNICEF", "un_body", "", False, ("UNICEF", "United Nations Children's Fund", "UN Children's Fund")),
    Source("UNRWA (UN agency for Palestine refugees)", "un_body", "", False, (
        "UNRWA", "United Nations Relief and Works Agency", "UN Relief and Works Agency")),
    Source("UNHCR", "un_body", "", False, (
        "UNHCR", "United Nations High Commissioner for Refugees", "UN refugee agency")),
    Source("ICRC", "ngo", "", False, ("International Committee of the Red Cross", "ICRC")),
    Source("Médecins Sans Frontières (MSF)", "ngo", "", False, (
        "Médecins Sans Frontières", "Medecins Sans Frontieres", "Doctors Without Borders", "MSF")),
    Source("Netherlands Ministry of Defence", "belligerent", "official_statement", False, (
        "Dutch Ministry of Defence", "Dutch defence ministry", "Netherlands Ministry of Defence", "Dutch MoD",
    )),
    Source("UK Ministry of Defence", "belligerent", "official_statement", False, (
        "UK Ministry of Defence", "British Ministry of Defence", "Ministry of Defence", "MoD",
    )),
    Source("Russian Ministry of Defence", "belligerent", "official_statement", False, (
        "Russian Defence Ministry", "Russian Ministry of Defence", "Russian defence ministry",
    )),
    Source("Government of Iraq", "government", "official_statement", False, (
        "Iraqi government", "Iraqi Prime Minister", "Iraqi prime minister", "Iraq's health ministry",
        "Iraqi health ministry", "Iraqi Ministry of Health",
    )),
    Source("Islamic State", "belligerent", "official_statement", False, (
        "Islamic State", "the Islamic State", "ISIS", "ISIL", "Daesh", "Islamic State group",
    )),
    # armed groups whose statements of others' losses and their own attacks news copy relays: belligerents
    Source("al-Shabaab", "belligerent", "official_statement", False, (
        "al-Shabaab", "al Shabaab", "Al-Shabaab", "Al Shabaab", "al-Shabab", "Al-Shabab", "al Shabab", "Al Shabab",
        "Shabaab", "Shabab", "al-Shabaab group", "al Shabaab group", "Al-Shabaab group", "Al Shabaab group",
    )),
    Source("Houthis", "belligerent", "official_statement", False, (
        "Houthis", "the Houthis", "Houthi rebels", "Houthi movement", "Houthi group", "Ansar Allah", "Ansarallah",
    )),
    Source("Hezbollah", "belligerent", "official_statement", False, (
        "Hezbollah", "Hizbollah", "Hizbullah", "Hezbollah movement", "Hezbollah group",
    )),
    Source("HRDAG", "academic", "statistical_estimate", False, ("Human Rights Data Analysis Group", "HRDAG")),
    Source("The New York Times", "media_investigation", "field_investigation", True, (
        "The New York Times", "New York Times", "the Times", "NYT",
    )),
    Source("Associated Press", "media_investigation", "field_investigation", True, (
        "Associated Press", "the Associated Press", "AP",
    )),
    Source("The Guardian", "media_investigation", "", True, ("The Guardian", "the Guardian", "Guardian")),
    Source("Reuters", "media_investigation", "", True, ("Reuters",)),
    Source("AFP", "media_investigation", "", True, ("AFP", "Agence France-Presse")),
    Source("BBC", "media_investigation", "", True, ("BBC", "BBC News")),
    Source("ABC News", "media_investigation", "", True, ("ABC News", "ABC")),
    Source("CNN", "media_investigation", "", True, ("CNN",)),
    Source("Al Jazeera", "media_investigation", "", True, ("Al Jazeera", "Al-Jazeera")),
    Source("The Washington Post", "media_investigation", "", True, ("The Washington Post", "Washington Post")),
    Source("The National", "media_investigation", "", True, ("The National",)),
    Source("Sputnik", "media_investigation", "", True, ("Sputnik", "Sputnik News")),
    Source("RT", "media_investigation", "", True, ("RT",)),
    Source("Anadolu Agency", "media_investigation", "", True, ("Anadolu Agency", "Anadolu")),
    Source("Middle East Eye", "media_investigation", "", True, ("Middle East Eye",)),
    Source("Fox News", "media_investigation", "", True, ("Fox News",)),
    Source("KUNA", "media_investigation", "", True, ("KUNA", "Kuwait News Agency")),
    Source("Middle East Monitor", "media_investigation", "", True, ("Middle East Monitor", "MEMO")),
    Source("Iraq Oil Report", "media_investigation", "", True, ("Iraq Oil Report",)),
    Source("Rudaw", "media_investigation", "", True, ("Rudaw",)),
    Source("Kurdistan 24", "media_investigation", "", True, ("Kurdistan 24",)),
)

_VERBS = (
    "estimated|estimates|estimate|reported|reports|report|acknowledged|acknowledges|acknowledge|admitted|admits|"
    "admit|conceded|concedes|concede|said|says|say|put|puts|documented|documents|document|recorded|records|record|"
    "counted|counts|count|found|finds|assessed|assesses|assess|announced|announces|confirmed|confirms|stated|states|"
    "told|tallied|tallies|claimed|claims|believes|believed|believe|calculated|calculates|listed|lists|logged|logs|"
    "identified|identifies|verified|verifies|accepted|accepts|tracked|tracks|registered|registers|"
    "noted|notes|wrote|writes|added|adds|published|publishes|released|releases|raised|raises|revised|revises|"
    "updated|updates|corrected|corrects|cited|cites|gave|gives|given|now\\s+puts|now\\s+says|denounced|denounces|"
    "revealed|reveals|alleged|alleges|indicated|indicates|disclosed|discloses|declared|declares|suggested|suggests|"
    "warned|warns|stressed|stresses|saying|detailed|details|spoke\\s+of|speaks\\s+of|explained|explains|affirmed|"
    "affirms|asserted|asserts|mentioned|mentions|specified|specifies|is\\s+reporting|are\\s+reporting|was\\s+reporting|"
    "learned|learnt|learns|informed\\s+(?:of|about|that)|informs\\s+(?:of|about|that)|boasted|boasts|"
    "pointed\\s+(?:out|to)|points\\s+(?:out|to)|accused(?!\\s+(?:by|of)\\b)|accuses(?!\\s+of\\b)"
)
_AUX = (
    r"(?:(?:has|have|had|now|also|later|previously|earlier|since|only|itself|separately|originally|first|then"
    r"|subsequently|further|again|recently|just|has\s+now|had\s+also|,\s*in\s+\w+(?:\s+\w+)?,|today|yesterday|tonight"
    r"|there|here"
    rf"|(?:on\s+)?(?:{'|'.join(DAYS)}))\s+)*"  # "administrator Bekele Dechassa Tuesday confirmed"
)
#: people who speak for a body, not for themselves ("a spokesman for the ministry", "the director of X"): the body
#: is the source (the labelling rules). One list for the phrase rules here and the reference rules (`_resolve`)
SPOKESPEOPLE = ("spokesman", "spokeswoman", "spokesperson")
SPEAKS_FOR = ("director", "head", "chief", *SPOKESPEOPLE)
#: unnamed people named by where they serve ("a security official", "a medical source")
SERVES = ("official", "officer", "source")
#: offices held in person: their holder speaks for themselves and is named by their name
OFFICES = ("governor", "commissioner", "minister", "mayor", "president", "secretary", "commander", "chairman",
           "senator", "administrator", "lawmaker", "legislator", "deputy")

#: people who speak for themselves and are named by their role before their name ("resident Omar Nur", "businessman
#: Usman Ga'al"): the name is the source
PERSON_ROLES = ("resident", "witness", "eyewitness", "survivor", "villager", "farmer", "trader", "businessman",
                "businesswoman", "shopkeeper", "elder", "activist", "journalist", "teacher", "nurse", "driver",
                "relative", "neighbour", "neighbor")


def one_of(*words: tuple[str, ...], capitalised: bool = False) -> str:
    """The words of these lists as one regex alternation (for the patterns built from the lists above); `capitalised`:
    as they open a sentence or a title ("Resident Omar Nur", "Commissioner")."""
    return "|".join(w.capitalize() if capitalised else w for group in words for w in group)


_CAP = r"(?:[A-Z][\w&.-]*(?:['’](?!s\b)\w+|['’](?=\s+[A-Z]))?|(?:al|el|ad|as|ash|an)-[A-Z][\w'’-]*)"
_PARTICLES = r"of|for|the|and|de|del|da|di|bin|ibn|van|von"
_ORG_GENERIC = (rf"(?-i:{_CAP}(?:\s+(?:{_PARTICLES}|{_CAP}))*?\s*(?:[A-Z][\w&-]*|(?:al|el|ad|as|ash|an)-[A-Z][\w'’-]*)"
                rf"|[A-Z]{{2,}}[\w-]*)")
#: a capitalised word that opens a sentence, not a name's first word ("The health ministry", "But army officials")
_NOT_A_NAME_WORD = r"(?!(?:The|A|An|In|On|At|But|And|Its|Their|This|That)\s)"
#: "Sudanese health ministry", "a foreign ministry (spokesman)": a ministry named by its portfolio, in lower case
_MINISTRY = (rf"(?:(?:{_NOT_A_NAME_WORD}(?-i:[A-Z][\w]*)(?:['’]s)?\s+)?(?:(?-i:regional|provincial|state|federal)\s+)?"
             r"(?i:health|foreign|defen[cs]e|interior|information)\s+(?i:ministry|minister)|(?i:ministry\s+of\s+(?:health|foreign\s+affairs|defen[cs]e|interior|information))"
             r"(?:\s+in\s+(?-i:[A-Z][\w'’-]+))?|(?:(?-i:[A-Z][\w]*)['’]s\s+)(?i:state\s+)?(?i:emergency\s+services?|"
             r"civil\s+defen[cs]e(?:\s+agency)?|rescue\s+service|health\s+authorities))")
#: descriptors before a name that are not part of it: "the Britain-based ...", "the country's Ministry of Health"
_PRE = (r"(?:(?-i:[A-Z][\w.]*)-based\s+)?"
        r"(?:(?i:country|enclave|territory|kingdom|strip|region|nation|government)['’]s\s+)?")
#: unnamed people as sources, kept as written ("local officials", "Yemeni security officials", "monitoring groups")
_PEOPLE = (r"(?<![\w'’-])(?<![Oo]ur\s)(?:(?!(?:The|A|An|In|On|At|But|And|Of|Meanwhile|However|Earlier|Later|"
           r"Separately|Also|Our|Therefore|Thus|Hence|Still|Yet|So|Now|Then|" + DAYS_AND_MONTHS + r")\s)"
           r"(?-i:[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?|U\.S\.|US|UN|U\.N\.|[A-Z]{1,3}&[A-Z]{1,3}|anti-[a-z]+)\s+){0,2}"
           r"(?i:(?:(?:local|health|hospital|medical|security|"
           r"military|government|provincial|city|rescue|defen[cs]e|human\s+rights|rights|monitoring|opposition|opposition\s+and\s+rights|"
           r"tribal|police|medical|senior|eye|other|civil|humanitarian|aid|nongovernmental|non-governmental|rebel|diplomatic|"
           r"army|village|district|state|official|anti-government|pro-government|gendarmerie|resistance)\s+)*"
           r"(?:(?:official|government|police|hospital)\s+(?:figures|records|statistics|tallies)|media\s+reports|"
           r"officials?|(?:health(?:care)?|medical|aid|hospital)\s+workers|security\s+forces|residents|witnesses|medics|doctors|activists?|"
           r"sources?|rescuers|rescue\s+workers|police|survivors|relatives|groups|monitors|experts|investigators|witness|"
           r"researchers|"
           r"organi[sz]ations|committees|authorities|officers?|(?:police\s+)?chief|commanders?|agencies|villagers|"
           r"locals|elders|leaders|(?:militia\s+)?members?|(?:regional\s+|provincial\s+|local\s+)?governor|mayor|media|"
           r"professionals?|nurses?|paramedics|eyewitness(?:es)?|couple|man|woman|neighbou?rs))")


#: where unnamed people are, part of how the text names them: "authorities in the embattled Sennar state", "an official
#: from the local administration", "sources from Army", "security forces in Indian-administered Kashmir"
_PEOPLE_WHERE = (r"(?:\s+(?:in|from|at|of)\s+(?:the\s+)?(?:(?-i:[a-z-]+)\s+){0,2}"
                 r"(?:(?-i:[A-Z][\w'’-]+)(?:\s+(?:(?:of|and|for)\s+)?(?-i:[A-Z][\w'’-]+)){0,5}(?:\s+(?:province|district|region|state|city|"
                 r"county|governorate))?|(?i:local\s+)?(?:administration|government|council|authorities|police|army|"
                 r"hospital|ministry)))?")


#: unnamed people (the last word in lower case: not a name such as "Resistance Committees of North Kordofan") and where
_WHERE = re.compile(r"(?P<people>.*?\b(?-i:[a-z][\w-]*))\s+(?P<prep>in|from|at|of)\s+(?P<the>the\s+)?(?P<where>.+)$",
                    re.DOTALL)


def _people_where(m: re.Match[str]) -> tuple[str, bool]:
    """Unnamed people and where they are: (the name to keep, still unnamed people?).

    "an official from Mayo Hospital in Lahore", "a senior official at the Health Ministry": the body
    they speak for; "authorities in the embattled Sennar state", "security forces in Kashmir",
    "an official from the local administration", "sources from Army": as written; "a police source in
    Cabo Delgado province": the people (where they are is not who they are).
    """
    people = re.sub(r"\s+", " ", m.group("people")).strip()
    where = re.sub(r"\s+", " ", m.group("where")).strip()
    body = re.sub(r"\s+in\s+(?-i:[A-Z]).*$", "", where)
    if (m.group("prep") in ("from", "at", "of") and _BODY_WORDS.search(body) and body[:1].isupper()
            and re.search(r"(?i:officials?|officers?|spokes(?:man|woman|person)|director|head|chief|researchers)$",
                          people)):  # "researchers at the London School of Hygiene ...": the school
        return body, False
    if m.group("prep") == "in" and not re.search(r"(?i:authorities|forces)$", people):
        return people, True
    return re.sub(r"\s+", " ", m.group(0)).strip(), True


@dataclass(frozen=True, slots=True)
class Attribution:
    """A phrase naming who produced or relayed a figure."""

    start: int  # span of the whole attribution phrase
    end: int
    name_start: int  # span of the name itself
    name_end: int
    name: str  # canonical name (registry) or the text as written
    kind: str  # according | verb | possessive | data_by | told | said_by
    source: Source | None
    verb: str = ""
    via: tuple[int, int] | None = None  # where the source was named, when this phrase refers to it ("the network")

    @property
    def is_outlet(self) -> bool:
        return bool(self.source and self.source.is_outlet)

    @property
    def unnamed(self) -> bool:
        """Unnamed people as written ("officials", "Yemeni security officials"): not a named source."""
        return self.source is None and _names_people(self.name)


@lru_cache(maxsize=4096)
def _names_people(name: str) -> bool:
    """The name is unnamed people, where they are aside ("authorities in the Sennar state"); read once per name."""
    where = _WHERE.match(name)
    return bool(_GENERIC_PEOPLE.search(where.group("people") if where else name))


def _un_spellings(aliases: tuple[str, ...]) -> list[str]:
    """"UN human rights office" is also written "U.N. human rights office" and "United Nations human rights office"."""
    return [f"{un} {a[3:]}" for a in aliases if a.startswith("UN ") for un in ("U.N.", "United Nations")]


def _alias_index() -> tuple[re.Pattern[str], dict[str, Source]]:
    index: dict[str, Source] = {}
    for src in KNOWN_SOURCES:
        for alias in (src.name, *src.aliases, *_un_spellings(src.aliases)):
            index.setdefault(alias.lower(), src)
    # case-sensitive for short acronyms and "the coalition" style aliases keep their case
    names = {a for s in KNOWN_SOURCES for a in (s.name, *s.aliases, *_un_spellings(s.aliases))}
    names |= {a[0].upper() + a[1:] for a in names if a[:1].islower()}  # "The coalition" opening a sentence
    pattern = "|".join(re.escape(a) for a in sorted(names, key=lambda a: (-len(a), a)))
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])"), index


KNOWN_NAMES, _KNOWN = _alias_index()
# an aside between the name and its verb: ", a UK-based monitor," or ", in its monthly report ... ISIS" (never across
# a sentence end or a paragraph break)
_IN_SENTENCE = r"(?![a-z0-9]\.\s|\n[ \t]*\n)"  # not at a sentence end or a paragraph break (a wrapped line is fine)
_ASIDE = (r"(?:\s*,\s*(?:" + _IN_SENTENCE + r"[^,;]){1,60},|\s*,\s*(?-i:an?|the)\s+(?-i:[a-z])(?:" + _IN_SENTENCE
          + r"[^,;]){1,150},|\s*,\s*(?i:who|which|speaking|giving|asking|requesting|"
          r"declining)\b(?:" + _IN_SENTENCE + r"[^;.]){1,200}?,|\s*,\s*(?i:in|on|at|after|following|citing|which)\b"
          r"(?:" + _IN_SENTENCE + r"[^,;]){1,160}?,?"
          r"|\s+(?i:fighting|battling|against|leading|in)\s+(?:the\s+)?(?-i:[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})"
          r"|\s+in\s+the\s+(?-i:[A-Z][\w]*-run|[a-z]+-(?:run|held|controlled))\s+(?-i:[a-z]+))?")
#: "X, speaking on condition of anonymity because ..., said": a participle's aside between a speaker and the verb
_PARTICIPLE_ASIDE = (r"(?:\s*,\s*(?i:speaking|giving|asking|requesting|declining|citing|who)\b[^;.\n]{1,200}?,"
                     r"|\s+who\s+(?:also\s+)?(?:requested|asked|declined|spoke)\b[^,;.\n]{0,60}?(?=\s+(?:told|said)))?")
#: "The Afghan government said", "Israeli authorities said"
_GOVERNMENT = (rf"{_NOT_A_NAME_WORD}(?:(?-i:Sri|South|North|New|Saudi|Central)\s+)?(?-i:[A-Z][a-z]+)\s+"
               r"(?i:government|authorities)")
_ORG = rf"{_PRE}(?P<org>{KNOWN_NAMES.pattern}|{_MINISTRY}|{_GOVERNMENT}|{_ORG_GENERIC})"
#: after "by", "according to", "citing" one capitalised word is a name too ("published by the Lancet")
_ONE_WORD = r"(?-i:[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?)"
_ORG1 = rf"{_PRE}(?P<org>{KNOWN_NAMES.pattern}|{_MINISTRY}|{_GOVERNMENT}|{_ORG_GENERIC}|{_ONE_WORD})"
#: "official Palestinian news agency WAFA", "the state-run news agency SANA": what kind of outlet, then its name
_OUTLET_KIND = (r"(?:(?i:the|an?)\s+)?(?:(?i:official|state|state-run|state-owned|government-run|[\w-]+-run|"
                r"[\w-]+-controlled|[\w-]+-affiliated)\s+)?(?:(?-i:[A-Z][a-z]+)\s+){0,2}(?i:news\s+agency|TV\s+channel|television|radio|"
                r"broadcaster|newspaper|daily|news\s+site|news\s+outlet)\s+(?P<org>(?-i:[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}))")
_KIND_BEFORE_NAME = re.compile(r"\s+(?i:news\s+agency|TV\s+channel|television|radio|broadcaster|newspaper|daily|"
                               r"news\s+site|news\s+outlet)\s+(?-i:[A-Z])")
#: a source named as an outlet ("according to state-run news agency SUNA", "the news agency Wafa reported")
_OUTLET_PATTERNS = (
    re.compile(r"\b(?i:according\s+to|citing|quoting)\s+" + _OUTLET_KIND),
    re.compile(r"(?:^|(?<=[\s(\"“]))" + _OUTLET_KIND + r"(?:\s*\((?-i:[A-Z][\w-]{1,12})\))?" + _ASIDE + r"\s+"
               + _AUX + rf"(?P<verb>(?i:{_VERBS}))\b"),
)
#: a body named by what it is, in lower case ("state health office", "provincial health directorate")
_LOWER_BODY = (r"(?:(?-i:[a-z][\w'’-]*)\s+){1,3}(?-i:office|department|directorate|command|commission|council|"
               r"committee|service|authority)\b")
#: "According to Twice East county commissioner, Dau Akoi Jurkuch, ...": the place is not the source, the person is
_BEFORE_APPOSITION = re.compile(r"\s+(?-i:[a-z][\w-]*\s+){0,2}(?-i:[a-z][\w-]*),\s+(?-i:[A-Z][\w'’-]+)\s+"
                                r"(?-i:[A-Z][\w'’-]+)[^,.;]{0,30},")
#: a line that names the sources of the lead above it (Ukrainska Pravda's "Source: ..."): read by the phrase rules
#: here and by `_pipeline`, which lets it attribute the paragraph before it
SOURCE_LINE = r"[ \t]*(?i:sources?):[ \t]"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("according", _OUTLET_PATTERNS[0]),
    ("verb", _OUTLET_PATTERNS[1]),
    # "the director of the Amin ambulance service told Reuters": the body the person heads or speaks for
    ("verb", re.compile(
        r"\b(?i:the|an?)\s+(?:(?-i:[a-z-]+)\s+){0,2}(?i:director|head|chief|spokes(?:man|woman|person))\s+"
        r"(?i:of|for|at)\s+(?:(?i:the)\s+)?(?P<org>(?:(?-i:[A-Z][\w'’-]*)\s+){1,4}(?:(?-i:[a-z]+)\s+)?"
        r"(?i:service|hospital|agency|committee|office|department|ministry|commission|council|organi[sz]ation|"
        r"union|network|society|directorate))" + _ASIDE + r"\s+" + _AUX + rf"(?P<verb>(?i:{_VERBS}))\b")),
    # "according to a statement from the state health office": a body named by what it is, in lower case
    ("according", re.compile(
        r"\b(?i:according\s+to)\s+(?:(?i:an?|the)\s+)?(?:(?i:statement|report|figures|data|tally|count)\s+"
        r"(?i:from|by|of)\s+)?(?i:the)\s+(?P<org>" + _LOWER_BODY + r")")),
    # "According to the head of the republic, Ramzan Kadyrov, the blasts ...": the person named in apposition
    ("according", re.compile(r"\b(?i:according\s+to)\s+(?:(?:the|an?)\s+|(?=(?-i:[A-Z][\w'’-]*\s+){1,3}[a-z]))"
                             r"(?:(?-i:[A-Z][\w'’-]*)\s+){0,3}(?-i:[a-z][\w-]*\s+){0,3}(?-i:[a-z][\w-]*)"
                             r"(?:\s+of\s+(?:the\s+)?(?-i:[a-z][\w-]*\s+){0,2}(?-i:[a-z][\w-]*))?,\s+"
                             r"(?P<org>(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){1,3}),")),
    # "according to an organization called the Committee for Peace and Development": the body it names
    ("according", re.compile(
        r"\b(?i:according\s+to|citing)\s+(?:(?i:an?|the)\s+)?(?:(?i:[a-z-]+)\s+){0,2}(?i:organi[sz]ation|group|"
        r"body|monitor|charity|network|coalition|committee)\s+(?i:called|named|known\s+as)\s+(?:(?i:the)\s+)?"
        + _ORG1)),
    ("according", re.compile(
        r"\b(?i:according\s+to)\s+(?:(?i:the|a|an|new|latest|recent|its|their|updated|official|provisional|"
        r"preliminary|initial|final|revised|partial)\s+)*?"
        r"(?:(?i:data|figures|estimates?|reports?|tally|toll|count|statement|investigation|analysis|research|"
        r"monitoring|database|records?)\s+(?i:from|by|of|published\s+by|compiled\s+by|released\s+by)\s+"
        r"(?:(?i:the)\s+)?)?" + _ORG1)),
    ("according", re.compile(
        r"\b(?i:according\s+to|citing|quoting)\s+(?:(?i:the|a|an)\s+)?(?:(?i:an?\s+)?(?:updated\s+)?(?:toll|count|"
        r"figures?|tally|data|estimates?)\s+(?:(?:compiled|published|released|provided|collected)\s+)?(?:from|by)\s+"
        r"(?:the\s+|an?\s+)?)?(?P<org>(?:[a-z-]+\s+){0,2}?" + _PEOPLE + _PEOPLE_WHERE + r")\b")),
    ("according", re.compile(r"\b(?i:citing|quoting)\s+(?:(?i:the|a|an)\s+)?" + _ORG1)),
    # "Source: Kharkiv Mayor Ihor Terekhov; Oleh Syniehubov, ...": a line under the lead naming its sources, the
    # first one first
    ("according", re.compile(r"(?m)^" + SOURCE_LINE + r"[ \t]*(?:the[ \t]+)?(?P<org>(?-i:[A-Z][\w'’.-]*)"
                             rf"(?:[ \t]+(?:{_PARTICLES}|(?-i:[A-Z][\w'’.-]*)))*?)[ \t]*(?=[;,\n]|$)")),
    # "according to a government statement": the body whose statement it is
    ("according", re.compile(r"\b(?i:according\s+to|citing|in)\s+(?:(?i:a|an|the)\s+)?(?P<org>(?i:government|army|"
                             r"military|police|ministry|presidency))\s+(?i:statement|communiqu[eé]|release)\b")),
    ("according", re.compile(r"\b(?i:quoted)\s+(?:(?i:the|a|an)\s+)?(?P<org>" + _PEOPLE + r"|" + _MINISTRY + r"|"
                             + _ORG_GENERIC + r")\s*,?\s+(?i:as\s+saying)\b")),
    ("according", re.compile(
        r"\b(?i:acknowledged|documented|recorded|confirmed|counted|verified|compiled|published|released|issued|"
        r"estimated|collected|gathered|reported|(?<=as\s)(?:stated|announced|disclosed|revealed|said|indicated))\s+"
        r"(?i:by)\s+(?:(?i:the)\s+)?(?:(?i:[a-z]+\s+){0,3}"
        r"(?i:organi[sz]ation|group|monitor|watchdog)\s+)?" + _ORG1)),
    # "have been reported killed in Gaza by the territory's health ministry": the passive agent of the count
    ("according", re.compile(r"\b(?i:reported|confirmed|recorded|documented|counted)\s+(?i:killed|dead|injured|wounded)"
                             r"(?:\s+(?i:in|across)\s+(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+))?)?\s+(?i:by)\s+"
                             r"(?:(?i:the)\s+)?" + _ORG1)),
    # "Based on the report of Joint Task Force Sulu, seven ... were killed"
    ("according", re.compile(r"\b(?i:based\s+on)\s+(?:(?i:the|a)\s+)?(?:(?i:latest|initial|preliminary|official)\s+)?"
                             r"(?i:reports?|data|figures|information|count|tally|records|statistics)\s+(?i:of|from|by)\s+"
                             r"(?:(?i:the)\s+)?" + _ORG)),
    ("data_by", re.compile(
        r"\b(?i:data|figures|estimates?|reports?|tally|count|statement|investigation|analysis|research|database|"
        r"records|monitoring|assessment)\s+(?:(?i:published|compiled|released|collected|gathered|provided|issued|"
        r"produced)\s+(?:(?i:today|yesterday|earlier|on\s+\w+|this\s+week|last\s+week)\s+)?)?(?i:by|from)\s+"
        r"(?:(?i:the)\s+)?(?:(?i:[a-z-]+\s+){0,2}(?i:organi[sz]ation|group|monitor|watchdog),?\s+)?" + _ORG)),
    ("finding", re.compile(
        r"\b(?i:an?|the)\s+" + _ORG + r"\s+(?i:investigation|analysis|review|tally|count|study|survey|report)\s+"
        r"(?:(?i:has|had)\s+)?(?i:found|finds|shows|showed|revealed|reveals|concluded|concludes|estimated)\b")),
    ("finding", re.compile(
        r"\b(?i:comes?|came|is\s+taken|was\s+taken|derives?)\s+(?i:from)\s+(?:(?i:an?|the)\s+)?" + _ORG +
        r"(?:['’]s)?\s+(?i:count|tally|investigation|analysis|report|database|data|figures?|estimate|review|survey)\b")),
    ("headline", re.compile(r"(?m)^[ \t]*(?:[-•*–][ \t]+)?" + _ORG + r"(?:[ \t]*\([^()\n]{1,40}\))?:\s")),
    ("self", re.compile(r"(?P<org>\b(?:[Ww]e|[Oo]ur\s+(?:researchers|team|investigators|staff|monitors|analysts)))\s+"
                        + _AUX + rf"(?P<verb>(?i:{_VERBS}))\b")),
    ("verb", re.compile(
        r"(?P<org>" + _PEOPLE + _PEOPLE_WHERE + r")" + _PARTICIPLE_ASIDE
        + r"\s+" + _AUX +
        r"(?P<verb>(?i:said|say|says|saying|told|reported|report|reports|estimated|estimate|counted|described|saw|"
        r"wrote|confirmed|confirm|added|announced|claimed|stated|noted|tell|tells|put|puts|informed\s+(?:of|about)))\b")),
    # "The Sri Lankan military said": a body named by its country and its kind, in lower case, as written
    ("verb", re.compile(r"(?<![\w,] )(?:[Tt]he\s+)?" + _NOT_A_NAME_WORD +
                        r"(?P<org>(?-i:[A-Z][a-z]+)(?:\s+(?-i:[A-Z][a-z]+))?(?:['’]s)?\s+"
                        r"(?i:military|army|navy|government|junta))\s+" + _AUX + rf"(?P<verb>(?i:{_VERBS}))\b")),
    # "UNICEF's Executive Director Catherine Russell, who said at least 35 children ..."
    ("verb", re.compile(_ORG + r",\s+(?i:who)\s+" + _AUX + rf"(?P<verb>(?i:{_VERBS}))\b")),
    ("possessive", re.compile(
        _ORG + r"(?:['’]s?)\s+(?:(?i:own|latest|new|monthly|annual|updated|revised|most\s+recent|"
        + "|".join(MONTHS) + r"|\d{4})\s+)*"
        r"(?i:data|figures?|estimates?|tally|count|report|database|monitoring|investigation|assessment|records|"
        r"research|statement|toll)\b")),
    ("told", re.compile(r"\b(?i:told|speaking\s+to|in\s+an\s+interview\s+with)\s+(?:(?i:the)\s+)?" + _ORG)),
    # '"24 policemen died ...," said the director of Hilla's main surgical hospital'
    ("said_by", re.compile(r"\b(?i:said|says|according\s+to|confirmed|added|told)\s+(?:(?i:the|a|an)\s+)?"
                           r"(?P<org>(?:[a-z-]+\s+){0,2}?"
                           rf"(?:{one_of(SPEAKS_FOR, SERVES)})"
                           r"(?:\s+(?:of|at|for)\s+[^,.;\n]{3,60}?)?)(?=\s*[,.;]|\s+(?:speaking|who|on|requesting|in)\b)"
                           r"(?!,\s+(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){1,3},)")),  # else the name after it
    # '"... 3 people who were killed in the attack," said resident Jean Kamfuti': a role before the name
    ("said_by", re.compile(r"\b(?i:said|says)\s+(?:(?i:the|a)\s+)?(?-i:[a-z-]+\s+){1,2}?(?P<org>(?-i:[A-Z][\w'’-]+)"
                           r"(?:\s+(?-i:[A-Z][\w'’-]+)){1,3})(?=\s*[.,;]|\s*$)")),
    # "..., said local authorities who have launched a rescue effort": unnamed people, inverted
    ("said_by", re.compile(r"(?<=[,\"”’]\s)(?i:said|says|reported|added|stated|confirmed)\s+(?:(?i:the)\s+)?"
                           r"(?P<org>" + _PEOPLE + r")(?=\s*[.,;]|\s+(?:who|on|in|at|from|and)\b|\s*$)")),
    ("said_by", re.compile(r"\b(?i:said|says|according\s+to|reported|estimated|announced|added|stated|confirmed|"
                           r"wrote)\s+(?:(?i:the)\s+)?" + _ORG +
                           r"(?=\s*[.,;]|\s*$)")),
    ("verb", re.compile(_ORG + r"(?:\s*\((?-i:[A-Z][\w-]{1,12})\))?(?:\s+(?:monitoring\s+group|war\s+monitor|group|"
                        r"researchers|investigators|officials|spokesman|spokeswoman|spokesperson|team|monitor|"
                        r"watchdog|statement|report|experts|news\s+agency|agency|mission|TV\s+channel|television\s+channel|"
                        r"channel|television|newspaper|daily))?" + _ASIDE + _ASIDE
                        + r"(?:\s*\((?-i:[A-Z][\w-]{1,12})\))?,?\s+" + _AUX
                        + rf"(?P<verb>(?i:{_VERBS}))\b")),
    ("verb", re.compile(rf"(?P<org>{KNOWN_NAMES.pattern})(?:\s+(?-i:[A-Z][\w'’.-]+|al-[A-Z][\w'’-]+)){{1,5}}"
                        r"(?:\s+(?i:TV\s+channel|channel|television|newspaper|daily|agency))?"
                        + _ASIDE + r"\s+" + _AUX + rf"(?P<verb>(?i:{_VERBS}))\b")),
    # a person named by one word after a quote or in a follow-on sentence: "..., Bachelet said."
    ("verb", re.compile(r"(?<![\w.'’-] )(?<![-'’])(?P<org>(?-i:\b[A-Z][a-z]{2,}|\b(?:al|el)-[A-Z][a-z]{2,}))\s+" + _AUX
                        + r"(?P<verb>said|says|told|added|noted|stressed|reported|announced|confirmed|stated|"
                          r"wrote)\b")),
    # "The head of the local Al Jomhouri hospital told Reuters": a title of a named body, as written
    ("verb", re.compile(rf"\b[Tt]he\s+(?P<org>(?:{one_of(SPEAKS_FOR)})\s+of\s+"
                        r"(?:the\s+)?(?:(?-i:[a-z-]+)\s+)?(?-i:[A-Z][\w'’-]*)(?:\s+(?-i:[A-Z][\w'’-]*))*"
                        r"(?:\s+(?i:hospital|ministry|council|agency|office|department))?)\s+" + _AUX
                        + rf"(?P<verb>(?i:{_VERBS}))\b")),
    # '"Seven farmers ... were killed," said another local, Umee.': the name in apposition after the role
    ("said_by", re.compile(r"\b(?i:said|says|added)\s+(?-i:another|an?|the)\s+(?-i:[a-z][\w-]*\s+){0,2}"
                           r"(?-i:[a-z][\w-]*),\s+(?P<org>(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){0,3})(?=\s*[.,;]|\s*$)")),
    # '"... the death of 16 soldiers," Ibrahim Miko, the secretary general of the governorate of Tahoua announced':
    # after a quote, a name and its role with no comma closing the role
    ("verb", re.compile(r"(?<=[,\"”’]\s)(?P<org>(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){1,3}),\s+(?-i:the|an?)\s+"
                        r"(?-i:[a-z][\w'’-]*)(?:\s+[^,.;:\n\"“”]{1,80}?)?\s+"
                        r"(?P<verb>said|says|announced|told|added|stated|confirmed)\b")),
    # "Kurdish rights watchdog Hengaw reported": what kind of body in lower case, then its name
    ("verb", re.compile(r"\b(?-i:watchdog|monitor|group|organi[sz]ation|NGO|charity)\s+"
                        r"(?P<org>(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){0,3})\s+" + _AUX
                        + r"(?P<verb>said|says|told|reported|reports|announced|confirmed|stated|documented|recorded|"
                          r"counted|estimated)\b")),
    # "A resident, Mustapha Ibrahim, told Premium Times": the name in apposition to a role
    ("verb", re.compile(r"\b(?-i:[Aa]n?|[Tt]he)\s+(?:(?-i:[a-z][\w-]*)\s+){0,3}(?-i:[a-z][\w-]*),\s+"
                        r"(?P<org>(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){1,3}),\s+" + _AUX
                        + rf"(?P<verb>(?i:{_VERBS}))\b")),
    # "Earlier in the day, the Houthis reported 31 deaths": one capitalised word after "the"
    ("verb", re.compile(r"\b(?-i:[Tt]he)\s+(?P<org>(?-i:[A-Z][a-z]{2,}))\s+" + _AUX
                        + r"(?P<verb>said|says|told|added|reported|announced|confirmed|stated|claimed)\b")),
    # "Yemen's Huthis claimed three people were killed": one capitalised word after a country's possessive, as written
    ("verb", re.compile(r"(?P<org>(?-i:\b[A-Z][a-z]{2,})['’]s\s+(?-i:[A-Z][a-z]{2,}))\s+" + _AUX
                        + r"(?P<verb>said|says|told|added|reported|announced|confirmed|stated|claimed)\b")),
    # "Mali's military stated", "Mali’s Armed Forces (FAMA) stated": a country's forces, as written
    ("verb", re.compile(r"(?P<org>(?-i:\b[A-Z][a-z]{2,})['’]s\s+(?i:military|army|armed\s+forces|defen[cs]e\s+forces|"
                        r"police|security\s+forces))(?:\s*\((?-i:[A-Z][\w-]{1,12})\))?\s+" + _AUX
                        + rf"(?P<verb>(?i:{_VERBS}))\b")),
    # "Yemen's Houthi group announced", "the Taliban movement said": one name and what kind of body it is
    ("verb", re.compile(_NOT_A_NAME_WORD + r"(?P<org>(?-i:\b[A-Z][a-z]{2,}(?:-[A-Za-z]+)?)\s+(?i:group|movement|"
                        r"militia|rebels|army|forces|police|government|authorities))\s+" + _AUX
                        + rf"(?P<verb>(?i:{_VERBS}))\b")),
)
#: who controls or backs a body, as a hyphenated word before its name ("Rebel-controlled", "Hamas-run")
CONTROLLED_BY = "controlled|run|held|affiliated|backed|owned|aligned"
#: a count opening a phrase is no name ("Seven recently identified victims")
COUNT_WORDS = (r"One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Eleven|Twelve|Dozens|Hundreds|Thousands|Several|"
               r"Many|Some")
#: a phrase that opens with a count, in words or digits ("Seven ... victims", "Two Protesters Shot Dead ...: Medics",
#: "12,001 individuals"): the news or the victims, not who speaks ("Ten", not "Tennessee")
COUNT_OPENS = re.compile(rf"(?:(?:{COUNT_WORDS})\b|\d)")
_NOT_NAMES = re.compile(
    rf"^(?:(?:This|Last|Next|Each|Every)\s+(?:{DAYS_AND_MONTHS}|[Ww]eek|[Mm]onth|[Yy]ear)|The|This|That|It|They|He|"
    r"She|We|There|In|On|At|As|Since|But|And|However|Earlier|Later|Also|Such|Its|"
    rf"Their|Our|We|You|I|A|An|Of|From|According|Moreover|Meanwhile|Now|Officials?|NGOs?|{DAYS_AND_MONTHS}|"
    r"Iraq|Syria|Mosul|Raqqa|Washington|ISIS|IS|Daesh|ISIL|Islamic State|Coalition|"
    r"U\.S\.|US|UK|Russia|Turkey|Iran|Israel|Palestine|Gaza|Gaza Strip|West Bank|"
    # a count or a faith opening a phrase ("Seven recently identified victims", "according to Islamic tradition")
    + COUNT_WORDS + r"|Islamic|Muslim|Christian|Jewish|Hindu|Buddhist|Catholic|Orthodox)$"
)


_TITLE_WORD = re.compile(rf"(?:[a-z-]+\s+){{0,2}}(?:{one_of(SPEAKS_FOR, SERVES)})\b")
_COUNTRIES = re.compile(r"Israel|Russia|Turkey|Iran|Iraq|Syria|Ukraine|Palestine|Yemen|Sudan|Afghanistan|"
                        r"Pakistan|Saudi Arabia|Egypt|Lebanon|Jordan|France|Britain|Germany|China")
_PEOPLE_WORDS = re.compile(r"(?i:local|health|hospital|medical|security|military|government|provincial|city|rescue|"
                           r"defen[cs]e|human|rights|monitoring|western|kurdish)")
_GENERIC_PEOPLE = re.compile(
    r"(?i:\b(?:officials?|residents|witnesses|witness|medics|doctors|activists?|sources|rescuers|rescue\s+workers|"
    r"police|survivors|relatives|groups|monitors|experts|investigators|researchers|organi[sz]ations|committees|"
    r"governor|mayor|"
    r"media|authorities|source|officers?|chief|commanders?|agencies|villagers|locals|elders|leaders|workers|members?|figures|records|"
    r"statistics|tallies|professionals?|nurses?|paramedics|eyewitness(?:es)?|couple|man|woman|neighbou?rs)$)"
)


#: "foreign ministry spokesman", "Interior Ministry official": a person speaking for a body named by its kind
_BODY_TITLE = re.compile(r"^((?:[\w'’-]+\s+){0,3}?(?i:ministry|agency|army|military|police|office|department|hospital|"
                         r"council|commission|authority|directorate))\s+(?i:spokes(?:man|woman|person))$"
                         r"|^((?:[\w'’-]+\s+){0,3}?(?i:ministry|agency|office|department|council|commission|"
                         r"directorate))\s+(?i:officials?)$")


def canonical_source(raw: str) -> tuple[str, Source | None]:
    clean = re.sub(r"\s+", " ", raw).strip()
    src = _KNOWN.get(clean.lower())
    if src is None and clean.lower().startswith("the "):
        src = _KNOWN.get(clean[4:].lower())
    return (src.name if src else clean), src


_LEADING_WORDS = re.compile(
    rf"^(?:(?:However|But|And|Earlier|Later|Meanwhile|Now|Also|Separately|In|The|While|Whereas|Moreover|Furthermore|"
    rf"Additionally|Then|Yet|Still|Thus|the|{DAYS_AND_MONTHS})\s+)+(?=[A-Z])")
#: the rest of a name the lazy pattern stopped short of: "Palestinian Ministry| of Health", "Doctors| Syndicate"
_NAME_TAIL = re.compile(r"(?:[ \t]+(?:of|for|and)[ \t]+(?:the[ \t]+)?|[ \t]+)(?-i:(?!(?:" + "|".join(DAYS)
                        + r"|On|In|At|As|By)\b)[A-Z][\w'’-]*)")


_TITLE = rf"(?i:{one_of(SPEAKS_FOR, ('president', 'chairman', 'founder'))})"
_TITLE_BEFORE = re.compile(r"((?-i:[A-Z][\w'’.-]*)(?:\s+(?-i:[A-Z][\w'’.-]*|of|for|the)){0,5})\s+" + _TITLE + r"\s+$")
_TITLE_AFTER = re.compile(r",\s+(?:the\s+|a\s+)?" + _TITLE + r"\s+(?:(?:of|for)\s+(?-i:[a-z][a-z ,&-]{1,40}?)\s+)?"
                          r"(?:of|for|at)\s+(?:the\s+)?(?:"
                          + _MINISTRY + r"|(?:[a-z-]+\s+){0,2}"
                          r"((?-i:[A-Z][\w'’.-]*)(?:\s+(?-i:[A-Z][\w'’.-]*|of|for|the))*))")


_BODY_NOUNS = (r"Union|Syndicate|Network|Observatory|Ministry|Committee|Organi[sz]ation|Agency|Health|Mission|Office|"
               r"Army|Front|Forces|Hospital|Council|Movement|Society|Group|Command|Police|Department|Lawyers|Authority|"
               r"Service|School|University|Institute|Center|Centre")
_BODY_WORDS = re.compile(rf"\b(?:{_BODY_NOUNS})\b")
#: words that make capitalised words before "of" a body or an office, not a person's name ("Iraqi Ministry of
#: Health", "Islamic State of Iraq", "Prime Minister of Israel")
#: words that name a body, not a person ("Iraqi Ministry of Health", "Chechen Antiwar Congress"): one list for the
#: phrase rules here and the reference rules (`_resolve._ORG_WORDS`)
ORG_NOUNS = (r"ministry|network|observatory|union|syndicate|committee|mission|office|organi[sz]ation|agency|council|"
             r"watch|group|coalition|court|department|command|commission|army|military|government|authority|"
             r"authorities|nations|international|count|institute|center|centre|amnesty|airwars|red\s+crescent|"
             r"red\s+cross|lawyers|doctors|front|forces|movement|society|hospital|police|media|radio|party|rebels|"
             r"relations|post|times|news|herald|tribune|journal|gazette|telegraph|chronicle")  # outlets too
_NOT_A_PERSON = re.compile(rf"\b(?:{_BODY_NOUNS}|(?i:{ORG_NOUNS})|State|States|Republic|Association|Federation|"
                           r"Congress|Bureau|University|Foundation|Fund|Programme|Program|Alliance|Cross|Crescent|"
                           r"Minister|Governor|Mayor|President|Secretary|Director|Chief|Head|Commissioner|Commander|"
                           r"General|Assembly|Board|Bank|Friends|Physicians|Reporters|Committees|Ministries|Armed|"
                           r"Defence|Defense|Interior|Region|Province|Administration|Directorate|Rights|Human|Body|"
                           r"Forum|Initiative|Project|Monitor|Unit|Brigade|Battalion|Corps|Division|Force|Guard|"
                           r"Services|Municipality|City|County|District|Kingdom|Islamic|National|United|Red|Emergency|"
                           r"Civil|Medical|Relief|Aid|Women|Children|Ombudsman)\b"
                           r"|\b[A-Z]{2,}\b|^(?:The|A|An)\b")
#: the body a person heads, before their name ("the head of the Donetsk People's Republic Denis Pushilin")
_BODY_BEFORE_PERSON = re.compile(rf"^.*\b(?:{_BODY_NOUNS}|Republic)\s+")
_IN_PLACE = re.compile(r"[ \t]+in[ \t]+(?:the[ \t]+)?(?-i:[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+)?)(?=[\s,.;])")


def _body_of_speaker(text: str, s: int, e: int, name: str) -> tuple[str, Source | None]:
    """A person speaking for a body is the body: "Observatory director Rami Abdel Rahman", "X, spokesperson for Y".

    Only a body the registry knows, or one written with a body's name ("... Union"), replaces the person.
    """
    before = _TITLE_BEFORE.search(text, max(0, s - 80), s)
    after = _TITLE_AFTER.match(text, e)
    for m in (before, after):
        if m is None:
            continue
        if m.group(1) is None:  # "X, a spokesman for the health ministry": the ministry as written
            return re.sub(r"^.*?(?:of|for|at)\s+(?:the\s+)?", "", m.group(0)), None
        body = re.split(r"\.\s|\n", re.sub(r"^(?:The|the)\s+", "", m.group(1)))[0].strip().rstrip(".")
        body = re.sub(r"['’]s(?:\s+(?:Executive|Deputy|Regional|General|Chief|Acting))*$", "", body)
        body_name, src = canonical_source(body)
        if src is not None:
            return body_name, src
        acronym = body.isupper() and len(body) >= 3 and " " not in body  # "UNICEF's Executive Director X"
        if acronym or _BODY_WORDS.search(body):
            return body_name, None
    return name, None


_ACRONYM = re.compile(r"\s*\(([A-Z][\w-]{1,12})\)")
_TRAILING_ACRONYM = re.compile(r"\s*\([A-Z][\w-]{1,12}\)$")
_OR_ALIAS = re.compile(r",\s+or\s+([A-Z][\w.-]{1,12}),")  # "the U.S. Central Command, or CENTCOM, admitted"


#: an office "of" somewhere before a person's full name ("Narathiwat Chief of Police Liab Promchan")
_TITLE_OF_PLACE = re.compile(r"^(?:(?-i:[A-Z][\w'’-]+)(?:['’]s)?\s+){0,2}(?:Chief|Head|Commissioner|Director|Inspector|"
                             r"Commander|Governor|Mayor)\s+of\s+(?:the\s+)?(?:(?-i:[A-Z][\w'’-]+)\s+){1,2}"
                             r"(?=(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){1,3}$)")
#: a titled person's name and where they serve ("Vyacheslav Gladkov of the Belgorod Region")
_PERSON_OF_PLACE = re.compile(r"(?P<person>(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){1,3})\s+of\s+(?:the\s+)?"
                              r"(?-i:[A-Z])")


#: an office of a place, cut short before the lower-case word that says what kind of place ("Governor of the Belgorod")
_OFFICE_OF = re.compile(rf"(?:(?i:the)\s+)?(?i:{one_of(OFFICES)}|head)\s+of\s+(?:the\s+)?"
                        r"(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+))?")
#: ... then that word and the holder's full name ("region Vyacheslav Gladkov")
_HOLDER_AFTER_REGION = re.compile(r"\s+(?:region|oblast|province|district|state|city|county|governorate)"
                                  r"(?:\s+(?:military\s+)?administration)?,?\s+"
                                  r"(?P<person>(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){1,2})(?![\w'’-]|\s+(?-i:[A-Z]))")


def _clean_name(text: str, s: int, e: int) -> tuple[int, int]:
    """The name's span without what the pattern swept in: a previous line, a sentence end, leading words.

    A name does not run across a line or a sentence end ("... during July\nThe Syrian Network ...");
    a known name at its end wins over the capitalised words before it; a name cut short before
    "of Health" or "Syndicate" is extended.
    """
    raw = text[s:e]
    if "\n" in raw:
        cut = raw.rfind("\n") + 1
        cut += len(raw[cut:]) - len(raw[cut:].lstrip())  # an indented line: the name starts after the spaces
        s, raw = s + cut, raw[cut:]
    # "U.N. Assistance Mission" is not a sentence end; "according to NPA. A Syrian refugee" is
    ends = list(re.finditer(r"(?:(?<=[a-z0-9ß-öø-ÿ])|(?<=[A-Z]{2}))\.\s", raw))  # "... Complexo da Maré. Authorities"
    if ends:
        s, raw = s + ends[-1].end(), raw[ends[-1].end():]
    holder = _HOLDER_AFTER_REGION.match(text, e) if _OFFICE_OF.fullmatch(raw) else None
    if holder is not None:  # "the Governor of the Belgorod| region Vyacheslav Gladkov": the person holding the office
        return holder.span("person")
    raw = re.sub(r"^(?-i:[A-Z][\w.]*)-based\s+", "", raw) if canonical_source(raw)[1] is None else raw
    if canonical_source(raw)[1] is None:  # "Rebel-controlled SABA": the descriptor is not part of the name
        raw = re.sub(rf"^(?:[\w.]+-(?:{CONTROLLED_BY})\s+)+(?=[A-Z])", "", raw)
    titled, person = raw, None
    if canonical_source(raw)[1] is None and not KNOWN_NAMES.search(raw):
        raw = _TITLE_OF_PLACE.sub("", raw)  # "Panare’s Chief of Police Liab Promchan": the person
    raw = re.sub(r"^(?:(?:(?:Executive|Deputy|Regional|Acting|Press)\s+)?(?:Governor|Gov\.|Mayor|President|Minister|"
                 r"Prime Minister|General|Gen\.|Colonel|Col\.|Spokesman|Spokeswoman|Director|Chief|Head|Secretary|"
                 r"Dr\.?|Mr\.?|Ms\.?|Mrs\.?)\s+)+(?=[A-Z][a-z])", "", raw) if canonical_source(raw)[1] is None else raw
    if (person := _PERSON_OF_PLACE.match(raw)) and (raw != titled or (
            not _NOT_A_PERSON.search(person.group("person")) and canonical_source(raw)[1] is None
            and not KNOWN_NAMES.match(raw))):
        # "Governor Vyacheslav Gladkov of the Belgorod Region", "Salambek Maigov of the Chechen Antiwar Congress":
        # the person, not where they govern or the body they belong to
        e -= len(raw) - person.end("person")
        raw = raw[:person.end("person")]
    raw = ROLE_BEFORE_PERSON.sub("", raw)  # "Resident Omar Nur told Reuters": the person
    if canonical_source(raw)[1] is None and not any(m.start() == 0 for m in KNOWN_NAMES.finditer(raw)):
        raw = _OFFICE_BEFORE_PERSON.sub("", raw)  # "Waat Adol County Commissioner Joseph Makuer Majuec": the person
    s = e - len(raw)
    if canonical_source(raw)[1] is None:
        known = [m for m in KNOWN_NAMES.finditer(raw) if m.end() == len(raw)]
        title = [m for m in KNOWN_NAMES.finditer(raw) if m.start() == 0 and re.search(
            r"(?i:minister|president|governor|spokes(?:man|woman|person))$", m.group(0))]
        if title and not known:  # "Iraqi Prime Minister Haider al-Abadi": the office he speaks for
            return s, s + title[0].end()
        if known and known[0].start() > 0:
            s, raw = s + known[0].start(), raw[known[0].start():]
        else:
            stripped = _LEADING_WORDS.sub("", raw)
            s, raw = s + len(raw) - len(stripped), stripped
            while person is None and (m := _NAME_TAIL.match(text, e)) is not None and e - s < 80:
                e = m.end()
            place = _IN_PLACE.match(text, e)
            if place and _BODY_WORDS.search(text[s:e] + " " + text[e:e + 12]):
                e = place.end()  # "the Ministry of Health in Gaza", "the Monitoring Mission in Ukraine"
    return s, e


#: an office held in person, with the words that say where, before the holder's full name: a person speaking for
#: themselves is named by their name (the labelling rules); a spokesman or director speaks for a body and is left
_OFFICE_BEFORE_PERSON = re.compile(
    rf"^(?:[\w'’.&-]+\s+){{0,4}}?(?i:{one_of(OFFICES)})\s+(?=(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){{1,3}}$)")


#: a role before a person's full name ("businessman Usman Ga'al", "Resident Omar Nur told Reuters"): the name is the
#: source; one pattern for the phrase rules and the ranker's names (`_attributor`)
ROLE_BEFORE_PERSON = re.compile(rf"^(?:(?-i:[a-z][\w-]*)\s+){{0,2}}(?i:{one_of(PERSON_ROLES)})\s+"
                                r"(?=(?:[A-Z][\w'’.-]+\s+){1,3}[A-Z][\w'’-]+$)")


#: "a source close to the Defense Ministry says": the source speaks, not the ministry (read by `_resolve` too)
CLOSE_TO_BEFORE = re.compile(r"\b(?:close|closer|loyal|linked|allied|affiliated|attached|tied)\s+(?:to|with)\s+"
                             r"(?:the\s+)?$")
#: a verb's subject is not the object of a preposition ("the Beni region of North Kivu, announced X"), unless a
#: title comes before it ("a spokesman for the Health Ministry said"), nor what a source is close to
_PREPOSITION_BEFORE = re.compile("".join(rf"(?<!{w} )" for w in (*SPEAKS_FOR, "member", "official"))
                                 + r"\b(?:of|in|at|near|from|into|across|around|"
                                 r"outside|inside|against|on)\s+(?:the\s+)?$|" + CLOSE_TO_BEFORE.pattern)
#: "..., announced Roger Wangeve, president of ...": the verb's subject comes after it (inverted)
_INVERTED_AFTER = re.compile(r"\s+(?:(?-i:[A-Z][\w'’.-]+)\s+){1,3}(?-i:[A-Z][\w'’-]+)")
_DAY_OR_MONTH = re.compile(rf"\s+(?:{DAYS_AND_MONTHS})\b")


#: a person's name right before a title in apposition ("X Y, Commissioner of ..., who said")
_NAME_BEFORE_TITLE = re.compile(r"(?:^|[.\n]\s*|[a-z]\s)((?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+)){1,4}),\s+$")
_TITLE_NOUN = re.compile(rf"(?:{one_of(SPEAKS_FOR, OFFICES, capitalised=True)})\b")


#: what follows a reporting word's form when it reports nothing: "claimed responsibility", "claimed the lives of
#: two policemen", "claimed 12 lives"; "Gunmen believed to be rebels", "a man said to have fired" (a participle)
_CLAIM_NOT_A_REPORT = re.compile(r"\s+(?:(?:responsibility|credit)\b|(?:the\s+)?(?:[\w,.-]+\s+){0,3}?li(?:ves|fe)\b)",
                                 re.IGNORECASE)
_PARTICIPLE_NOT_A_REPORT = re.compile(r"\s+to\s+(?:be|have)\b", re.IGNORECASE)
_PARTICIPLES = {"believed", "said", "reported", "estimated", "alleged", "claimed", "thought", "understood"}


#: who runs a body, then the body, after its controller's one-word name ("Hamas| -run health ministry")
_RUN_BY_TAIL = re.compile(rf"-(?:{CONTROLLED_BY}|led)\s+(?:(?-i:[a-z][\w'’-]*)\s+){{0,2}}"
                          r"(?:ministry|office|authority|authorities|media|government|agency|council|administration|"
                          r"committee|forces|police|army)\b")
#: "State of Palestine", "Republic of Korea": a state's formal name
_STATE_OF = re.compile(r"(?:State|Republic|Kingdom|Sultanate|Emirate|Union)\s+of\s+(?-i:[A-Z])")
#: a headline's own source at its end ("... raid on Jenin – Health Ministry", "..., say reports")
_HEADLINE_SOURCE_AT_END = re.compile(r"(?:\s[–—-]\s+(?-i:[A-Z])[\w'’. -]{1,40}|,\s+(?i:says?|said)\s+[\w'’. -]{2,40})"
                                     r"\s*$")
#: a place named by its kind ("Far North Region: 2 ... blow themselves up"): a headline's kicker, not a source
_PLACE_KIND = re.compile(r"\s(?:Region|Province|State|District|County|Governorate|City|Territory)$")
#: a headline's kicker ("News Story: 3 killed", "Breaking News: ..."): a label of the page, not a source
_KICKER = re.compile(r"(?:(?:News|Story|Stories|Update|Updated|Breaking|Exclusive|Analysis|Opinion|Live|Latest|"
                     r"Watch|Video|Photos?|Editorial|Feature|Factbox|Explainer|Timeline|Top|Headlines?|Brief|Briefs)"
                     r"\s*)+")


def not_a_report(verb: str, text: str, verb_end: int) -> bool:
    """Whether a reporting word's form, ending at `verb_end`, reports nothing here (by what follows it).

    One home for the phrase rules and the parse (`_parse`).
    """
    verb = verb.lower()
    if verb in ("claims", "claimed", "claim") and _CLAIM_NOT_A_REPORT.match(text, verb_end):
        return True
    return verb in _PARTICIPLES and _PARTICIPLE_NOT_A_REPORT.match(text, verb_end) is not None


def _subject_of_verb(text: str, s: int, verb_end: int, verb: str) -> bool:
    """The name before the verb is its subject: not a preposition's object, not before an inverted subject.

    "claims responsibility" is not a report of a figure (`not_a_report`); "the capital, Port-au-Prince, saying" is an
    apposition, and the participle's subject is the sentence's.
    """
    if not_a_report(verb, text, verb_end):
        return False
    if _PREPOSITION_BEFORE.search(text, max(0, s - 30), s):
        return False
    between = text[s:verb_end]
    if ("," in between and verb != "told" and _INVERTED_AFTER.match(text, verb_end)
            and not _DAY_OR_MONTH.match(text, verb_end)):
        return False
    return not (verb == "saying" and re.search(r",\s*(?:the\s+)?$", text[max(0, s - 8):s]))


#: a name-like phrase: a capitalised name, an acronym or a ministry
_SOURCE_LIKE = re.compile(r"(?-i:\b[A-Z][\w'’-]+)|(?i:ministry|minister)")
_CONJUNCT_STOP = re.compile(r"(?:^|[.;:!?\n\"“”]|,|\b(?:as|while|when|but|that|after|because|with|and|killing|"
                            r"leaving|wounding|injuring)\b)\s*", re.IGNORECASE)


_FUNCTION_WORDS = {"of", "for", "the", "and", "de", "al", "in"}
#: an earlier item of a list of sources: a name, not a clause ("In its annual report ...")
_LIST_ITEM = re.compile(r"\s*(?!(?:In|On|At|After|For|From|By|With|During|Since|When|While|As|But|And)\b)"
                        r"(?:(?:the|a|an)\s+)?(?:(?-i:[a-z][\w-]*)\s+){0,2}(?-i:[A-Z])")


def _name_start(chunk: str) -> int:
    """Where a name starts in a chunk: after descriptive lower-case words ("News outlets Myanmar Now")."""
    if re.match(r"(?i:the|a|an)\s", chunk):
        return 0
    cut = 0
    for w in re.finditer(r"\b(?-i:[a-z][\w-]*)\s+(?=(?-i:[A-Z]))", chunk):
        if w.group(0).strip() not in _FUNCTION_WORDS:
            cut = w.end()
    return cut


#: a coalition that is not the US-led one ("the Saudi-led coalition", "the Arab coalition")
OTHER_COALITION = re.compile(r"\b(?:Saudi|Arab|Russian|Emirati|Saudi-Emirati|Saudi-UAE|Turkish)(?:[- ]led)?\s+$")
_PEOPLE_BEFORE_AND = re.compile(r"(?P<first>" + _PEOPLE + r")\s+and\s+(?:an?\s+|the\s+)?$")


def _coordinated_people(text: str, s: int, e: int) -> tuple[int, int] | None:
    """The first of unnamed people joined by "and" ("security sources and a local official" → "security sources").

    Coordinated sources are read as the first one named (docs/EXTRACT.md), with all its words.
    """
    before = _PEOPLE_BEFORE_AND.search(text, max(0, s - 80), s)
    return before.span("first") if before is not None and before.end() == s else None


def _first_conjunct(text: str, s: int, e: int) -> tuple[int, int] | None:
    """The first of coordinated sources ("X and Y said", "X, Y and Z reported"), when the name at s..e is not it."""
    inner = re.search(r"\s+and\s+(?=(?:the\s+|an?\s+)?(?-i:[A-Z]))", text[s:e])
    if inner and re.search(r"\s(?:for|of)\s", text[s:s + inner.start()]) and re.fullmatch(
            r"(?-i:[A-Z][\w'’-]+)(?:\s+(?-i:[A-Z][\w'’-]+))?", text[s + inner.end():e]) and canonical_source(
            text[s + inner.end():e])[1] is None:
        inner = None  # "the Committee for Peace and Development", "School of Hygiene and Tropical Medicine": one name
    two_bodies = inner is not None and _BODY_WORDS.search(text[s + inner.end():e]) is not None  # "... and X Command"
    if inner and canonical_source(text[s:e])[1] is None and (
            two_bodies or not re.search(r"(?i:ministry|minister)", text[s:e])):
        first: tuple[int, int] | None = (s, s + inner.start())
        tail = re.search(r",\s*(?:the\s+)?$", text[max(0, s - 8):s])
        if tail is None:
            return first
        head = text[max(0, s - 160):s - len(tail.group(0))]
    else:
        before = text[max(0, s - 160):s]
        m = re.search(r"\s+and\s+(?:(?:the|an?|other)\s+)*$", before)
        if m is None:
            return None
        shared = re.search(r"(?<![\w-])(?-i:[a-z]+)$", before[:m.start()])
        if shared and _PEOPLE_WORDS.fullmatch(shared.group(0)) and _GENERIC_PEOPLE.search(text[s:e]):
            return max(0, s - 160) + shared.start(), e  # "security and local sources": one head, the whole phrase
        head, first = before[:m.start()], None
    base = s - 160 if s >= 160 else 0
    while True:
        stops = list(_CONJUNCT_STOP.finditer(head))
        stop = stops[-1] if stops else None
        chunk_start = stop.end() if stop else 0
        chunk = head[chunk_start:]
        if not chunk.strip() or len(chunk) > 60 or re.search(r"\d", chunk):
            break
        offset = base + chunk_start
        if first is not None and not _LIST_ITEM.match(chunk):
            break  # "In its annual report released on Thursday, X and Y documented": not a list item
        cut = _name_start(chunk)
        first = (offset + cut, offset + len(chunk.rstrip()))
        if stop is None or not stop.group(0).strip().startswith(",") or cut:
            break  # "according to X and Y": X is not the last item of a list
        head = head[:stop.start()]
    return first


#: "the United Nations’ peacekeeping mission", "the UN's humanitarian affairs office": a body of the one named
POSSESSED_BODY = re.compile(r"(?:['’]s?)?[ \t]+(?:(?!news|press)(?-i:[a-z][a-z-]*)[ \t]+){0,3}?"
                            r"(?-i:mission|office|agency|committee|commission|council|directorate|department|ministry|"
                            r"command|administration)\b")
#: capitalised words after a registry name that end in a body's word: a body of its own ("UN Integrated Office")
_KNOWN_THEN_BODY = re.compile(r"(?:[ \t]+(?-i:[A-Z][\w'’-]*)){0,3}[ \t]+(?-i:Office|Mission|Council|Agency|Fund|"
                              r"Programme|Program|Commission|Committee|Force|Department|Panel)\b")
#: "the city's mayor", "the coastal enclave’s health ministry": whose, when the name itself is a common noun
_POSSESSOR_BEFORE = re.compile(r"(?<![\w'’])((?:(?!(?:the|an?|its|their|his|her)\s)(?-i:[a-z][a-z-]*)[ \t]+)?"
                               r"(?-i:[a-z][a-z-]*)['’]s[ \t]+"
                               rf"|(?:[\w.]+-(?:{CONTROLLED_BY}|led)[ \t]+)+)$")


def _with_possessive(text: str, s: int, e: int, name: str, src: Source | None) -> tuple[int, int, str, Source | None]:
    """The name with the possessive that makes it a body of its own, as the labels and the article write it.

    "the United Nations’ peacekeeping mission" is not the United Nations, and "the city's mayor" or "the
    rebel-controlled health ministry" is more than "mayor" or "health ministry" (a common noun alone names
    no one); a name the registry knows in full keeps its registry entry.
    """
    first = re.sub(r"^(?i:the|an?)\s+", "", text[s:e])[:1]
    if src is not None and (m := _KNOWN_THEN_BODY.match(text, e)) is not None:
        e = m.end()  # "the UN Integrated Office in Haiti": another body than the UN
        if (place := _IN_PLACE.match(text, e)) is not None:
            e = place.end()
    elif (m := POSSESSED_BODY.match(text, e)) is not None and first.isupper():
        e = m.end()
    elif (text[s:s + 1].islower() and first.islower()
          and (b := _POSSESSOR_BEFORE.search(text, max(0, s - 40), s)) is not None):
        s = b.start(1)
    else:
        return s, e, name, src
    whole = re.sub(r"^(?i:the)\s+", "", re.sub(r"\s+", " ", text[s:e]))
    name, src = canonical_source(whole)
    if src is None:  # "the UN's human rights office" is the registry's "UN human rights office"
        src = canonical_source(re.sub(r"['’]s?(?=\s)", "", whole))[1]
    acronym = _ACRONYM.match(text, e)  # "the U.N. mission (MINUSCA)"
    if src is None and acronym and canonical_source(acronym.group(1))[1] is not None:
        src = canonical_source(acronym.group(1))[1]
    return s, e, (src.name if src else name), src


def _source_named(text: str, s: int, e: int, as_outlet: bool) -> tuple[int, str, Source | None]:
    """The name at s..e as the kit writes it, and its registry entry: (start, name, source).

    A name introduced as a news agency or TV channel is an outlet; "the Saudi-led coalition" is not
    CJTF-OIR; a person speaking for a body is the body; an acronym after a name may be the known one.
    """
    name, src = canonical_source(text[s:e])
    if src is None and as_outlet:
        src = Source(name, "media_investigation", "", True)  # named as a news agency, a TV channel: an outlet
    other = OTHER_COALITION.search(text, max(0, s - 30), s) if src is not None and src.name == "CJTF-OIR" else None
    if other is not None:
        s = other.start()  # "the Saudi-led coalition said": another coalition, named as written
        name, src = re.sub(r"\s+", " ", text[s:e]), None
    if src is None:
        name, src = _body_of_speaker(text, s, e, name)
    acronym = _ACRONYM.match(text, e) or _OR_ALIAS.match(text, e)
    if src is None and acronym and canonical_source(acronym.group(1))[1] is not None:
        name, src = canonical_source(acronym.group(1))  # "... Operation Inherent Resolve (CJTF-OIR)"
    return s, name, src


@lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    """Countries' English names (CLDR, through babel), lower case: "South Sudan: 15 killed ..." heads a section."""
    from babel import Locale

    names = Locale("en").territories
    return frozenset(v.lower() for k, v in names.items() if k.isalpha() and k not in ("UN", "EU", "EZ", "QO", "ZZ"))


def _kicker_not_source(text: str, m: re.Match[str], s: int, e: int, first_line_end: int) -> bool:
    """A headline's "X: ..." names no source: "ADEN: ...", "Abu Dhabi: ...", "News Story: ...", "Far North Region:
    ...", "State of Palestine: ...", and "Jammu and Kashmir: Eight civilians injured ..., say reports" (a headline that
    names its source at its end has a place or a section before its colon, not a second source), and "Two Protesters
    Shot Dead In South Iraq: Medics" (the news before its source)."""
    raw = text[s:e]
    end = text.find("\n", m.end())
    at_end = _HEADLINE_SOURCE_AT_END.search(text, m.end(), len(text) if end < 0 else end)
    return bool(_dateline(text, m, s, e, first_line_end) or raw.lower() in _country_names() or _KICKER.fullmatch(raw)
                or _PLACE_KIND.search(raw) or _STATE_OF.match(raw) or at_end or COUNT_OPENS.match(raw))


def _run_by_whom(text: str, s: int, e: int) -> tuple[int, int]:
    """A one-word name that runs a body named after it is that body, with whose it is, as written: "according to the
    Strip's Hamas-run health ministry" is "Strip's Hamas-run health ministry", not "Hamas"."""
    run = _RUN_BY_TAIL.match(text, e)
    if run is None:
        return s, e
    whose = re.search(r"(?-i:[A-Za-z]+)['’]s\s+$", text[max(0, s - 30):s])
    return s - (len(whose.group(0)) if whose else 0), run.end()


def _dateline(text: str, m: re.Match[str], s: int, e: int, first_line_end: int) -> bool:
    """"ADEN: ..." in capitals, or "Abu Dhabi: A woman was killed ... ." (a body line, or a full sentence after it)."""
    if text[s:e].isupper():
        return True
    if re.match(r"[ \t]*[-•*–]", m.group(0)):
        return False  # a bullet ("• Amnesty: 12 killed") names its source
    line_end = text.find("\n", s, s + 2000)
    return s > first_line_end or text[s:line_end if line_end >= 0 else s + 2000].rstrip().endswith(".")


def _lower_first(name: str) -> str:
    """Unnamed people opening a sentence, in lower case: "Local officials", "RESCUE sources" (a shouted word)."""
    first, _, rest = name.partition(" ")
    return (first.lower() if first.isupper() else first[0].lower() + first[1:]) + (" " + rest if rest else "")


def find_attributions(text: str) -> list[Attribution]:
    """Attribution phrases in `text`, left to right, one per name span."""
    first_line_end = text.find("\n", len(text) - len(text.lstrip()))
    first_line_end = len(text) if first_line_end < 0 else first_line_end
    found: list[Attribution] = []
    seen: set[tuple[int, int]] = set()
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.start("org"), m.end("org")
            if kind == "self":
                found.append(Attribution(m.start(), m.end(), s, e, "", kind, None, (m.group("verb") or "").lower()))
                continue
            s, e = _clean_name(text, s, e)
            if kind in ("according", "said_by", "data_by"):
                s, e = _run_by_whom(text, s, e)
            if kind == "according" and _BEFORE_APPOSITION.match(text, e):
                continue  # the place or body before a person's role and name in apposition: the person is the source
            if _KIND_BEFORE_NAME.match(text, e):
                continue  # "official Palestinian| news agency WAFA": a description of the outlet named next
            s, name, src = _source_named(text, s, e, pattern in _OUTLET_PATTERNS)
            if kind not in ("possessive", "finding", "headline", "told"):
                s, e, name, src = _with_possessive(text, s, e, name, src)
            raw = text[s:e]
            where = _WHERE.match(raw) if src is None else None
            generic = src is None and _names_people(raw)
            if generic and re.search(r"\b(?i:no|not|any|without)\s+(?:[a-z-]+\s+)?$", text[max(0, s - 30):s]):
                continue  # "no independent source confirmed": nobody said it
            country = kind == "verb" and _COUNTRIES.fullmatch(raw) is not None  # "Israel previously said"
            titled = kind == "said_by" and _TITLE_WORD.match(raw) is not None  # "the director of X"
            stated = kind == "according" and raw.lower() in ("government", "army", "military", "police", "ministry",
                                                              "presidency")  # "according to a government statement"
            lower_body = re.fullmatch(_LOWER_BODY, raw) is not None  # "state health office": a name as written
            if src is None and not generic and not country and not titled and not stated and not lower_body and (
                    _NOT_NAMES.match(raw) or len(raw) < 2
                                                                or raw.lower() == raw
                                                and not re.search(r"ministry|minister", raw, re.IGNORECASE)):
                continue
            if src is None and raw.endswith("-based"):
                continue  # "The Britain-based monitor said": a descriptor; the description is resolved later
            if kind == "headline" and src is None and _kicker_not_source(text, m, s, e, first_line_end):
                continue
            if (titled or generic) and (body := _BODY_TITLE.match(raw)):
                # "a foreign ministry spokesman": the ministry
                name = re.sub(r"\s+", " ", body.group(1) or body.group(2))
                name, src = canonical_source(name)
                generic = titled = False
            elif generic and where is not None:
                name, generic = _people_where(where)
                src = canonical_source(name)[1]
            elif generic:
                name = re.sub(r"\s+", " ", raw).strip()
                if _GENERIC_PEOPLE.fullmatch(name.split()[0]) or _PEOPLE_WORDS.fullmatch(name.split()[0]):
                    name = _lower_first(name)  # "Local officials" opening a sentence; "Yemeni ..." kept
            if (s, e) in seen:
                continue
            seen.add((s, e))
            verb = m.groupdict().get("verb") or ""
            if verb[:1].isupper() and kind == "verb":
                continue  # "... Civilian Casualty Report": a title, not "X reports"
            if kind == "verb" and not _subject_of_verb(text, s, m.end("verb"), verb.lower()):
                continue
            named = _NAME_BEFORE_TITLE.search(text[max(0, s - 60):s]) if _TITLE_NOUN.match(text, s) else None
            if kind == "verb" and named is not None:
                offset = max(0, s - 60)  # "Muhammad Shehu Dalijan, Commissioner of Police in the State, who confirmed"
                s, e = offset + named.start(1), offset + named.end(1)
                name, src = text[s:e], None
                if (s, e) in seen:
                    continue
                seen.add((s, e))
            both = _coordinated_people(text, s, e) if generic and kind in ("verb", "according", "said_by") else None
            if both is not None:  # "security sources and a local official said": the first, with all its words
                s, e = both
                if (s, e) in seen:
                    continue
                seen.add((s, e))
                name = re.sub(r"\s+", " ", text[s:e])
                name = _lower_first(name) if _PEOPLE_WORDS.fullmatch(name.split()[0]) else name
            elif kind in ("verb", "according", "said_by") and (first := _first_conjunct(text, s, e)) is not None:
                s, e = first  # "the defense ministry and an Afghan official said": the first one named
                acronym = _TRAILING_ACRONYM.search(text, s, e)
                if acronym:
                    e = acronym.start()
                if (s, e) in seen:
                    continue
                seen.add((s, e))
                name, src = canonical_source(text[s:e])
                if src is None and not _GENERIC_PEOPLE.search(name) and not _SOURCE_LIKE.search(name):
                    continue  # "an ethnic rebel group and local media said": the description is resolved later
                if src is None and _GENERIC_PEOPLE.search(name) and " and " not in name:
                    people = re.search(f"(?:{_PEOPLE})$", name)  # "they security officials": the people only
                    name = people.group(0) if people else name
                    name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.IGNORECASE)
            if src is None and not generic:
                name = _full_name(text, s, name)
            found.append(Attribution(m.start(), m.end(), s, e, name, kind, src, verb.lower()))
    return _longest_names(_which_times(text, found))


#: "the Times" alone: the registry's New York Times only where the text names it so
_BARE_TIMES = re.compile(r"(?i:the\s+)?Times")
_NEW_YORK_TIMES = re.compile(r"New\s+York\s+Times")


def _which_times(text: str, found: list[Attribution]) -> list[Attribution]:
    """"UN sources told the Times" in a story about Sri Lanka citing The Times of London: a newspaper called The Times,
    not The New York Times, unless the text names The New York Times."""
    if _NEW_YORK_TIMES.search(text):
        return found
    times = Source("The Times", "media_investigation", "", True)
    return [replace(a, name=times.name, source=times)
            if a.source is not None and a.source.name == "The New York Times"
            and _BARE_TIMES.fullmatch(text[a.name_start:a.name_end]) else a for a in found]


#: capitalised titles a person's name follows ("Governor", "Major-General"): one list for the phrase rules and the
#: ranker's names (`_attributor._TITLE`)
PERSON_TITLES = (r"Chief|Lt\.?|Brig\.?|Maj\.?|Gen\.?|Col\.?|Lieutenant|Brigadier|Major|General|Colonel|Captain|"
                  r"Governor|Mayor|President|Minister|Commissioner|Commander|Director|Spokesman|Spokeswoman|"
                  r"Spokesperson|Senator|Secretary|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|Major-General|Lieutenant-General|"
                  r"Brigadier-General")
#: titles and ranks before a person's name, and words that open a sentence: not part of the name
_BEFORE_PERSON = re.compile(rf"^(?:(?:{PERSON_TITLES}|{one_of(PERSON_ROLES, capitalised=True)}|Gov\.|"
                            r"Capt\.|Sheikh|Police|Sergeant|Judge|Deputy|"
                            r"The|However|But|And|Earlier|Later|Meanwhile|Also|In|On|At)\s+)+")


#: how far back a person's full name is looked for (keeps extraction linear on long texts)
FULL_NAME_REACH = 3000


def _full_name(text: str, s: int, name: str) -> str:
    """"Chief Askaryar said": the person by the full name the text gave before ("Muhammad Dawood Askaryar").

    Copy names a person in full once and by surname after; the labels (and a reader) want the full name.
    """
    if not re.fullmatch(r"[A-Z][a-z'’-]+[a-z]", name) or name in _country_names_cased():
        return name
    full_names = re.compile(r"(?<![\w'’.-])((?:[A-Z][\w'’.-]*[ \t]+){1,4})" + re.escape(name) + r"\b(?!\s+[A-Z])")
    for m in full_names.finditer(text, max(0, s - FULL_NAME_REACH), s):
        if re.search(rf"\b{re.escape(name)}\.", m.group(0)):
            continue  # "..., said Dau. Dau claimed": two sentences, not a longer name
        full = _BEFORE_PERSON.sub("", _OFFICE_BEFORE_PERSON.sub("", re.sub(r"\s+", " ", m.group(0))))
        # "the head of the Donetsk People's Republic Denis Pushilin": the person, after the body they head
        full = _BODY_BEFORE_PERSON.sub("", full)
        if " " in full and canonical_source(full)[1] is None and not _GENERIC_PEOPLE.search(full):
            return full
    return name


@lru_cache(maxsize=1)
def _country_names_cased() -> frozenset[str]:
    """Countries' English names as written ("Mali"): never a person's surname here."""
    return frozenset(n.title() for n in _country_names())


def _longest_names(found: list[Attribution]) -> list[Attribution]:
    """One attribution per name: a name inside a longer one ("Yemeni" in "Yemeni security officials") is dropped."""
    found.sort(key=lambda a: (a.name_start, -(a.name_end - a.name_start)))
    kept: list[Attribution] = []
    for a in found:
        if kept and a.name_end <= kept[-1].name_end and a.kind != "self" and kept[-1].kind != "self":
            continue
        kept.append(a)
    return kept
