"""Recognising personal data in a spreadsheet column, by its header and by a sample of its values.

A staff-record extract may carry names, dates of birth, NI numbers and contact details under any
header ("Employee", "NI", "Contact"), so the header alone is not enough. `personal_values_reason` looks
at a sample of a column's values and says what personal data they look like, or None. The tests are
deliberately cautious in one direction: a column is personal when most of its sampled values look
like one kind of personal data. Organisation units ("349 Maple Ward", "CMHT North", "Crisis Team") are
not names: a value with digits, a word in capitals or a word of the organisation vocabulary is never
read as a person's name, and a column of two-word values counts as names only when its first words are
forenames or its values are nearly all different (units repeat down an extract; people do not).

Pure Python, no Django: the staff-record import and any other import can use it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from newroles.lib.tabular import normalise_header

# --------------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------------

# Whole normalised headers (letters and digits only, lower case) that name personal data.
PERSONAL_EXACT = frozenset(
    {
        "name", "fullname", "title", "salutation", "initials", "age", "dob", "birthdate", "dateofbirth", "gender",
        "sex", "nino", "ninumber", "nationalinsurance", "nationalinsurancenumber", "nationalinsuranceno", "nin",
        "email", "emailaddress", "address", "postcode", "phone", "telephone", "mobile",
        "ni", "nationalinsno", "natinsno", "nationalins", "employee", "employees", "staffmember", "person",
        "worker", "holder", "postholder", "incumbent", "contact", "nhsnumber", "nhsno", "forenames", "surnames",
    }
)  # fmt: skip
# Fragments that make a header personal wherever they appear.
PERSONAL_FRAGMENTS = (
    "surname", "forename", "firstname", "lastname", "middlename", "familyname", "givenname", "maidenname",
    "preferredname", "knownas", "birth", "nationalinsurance", "ninumber", "nino", "employeenumber", "employeeno",
    "employeeid", "personnumber", "personno", "personid", "staffnumber", "staffno", "staffid", "payrollnumber",
    "payrollno", "esrnumber", "assignmentnumber", "assignmentno", "assignmentid", "address", "postcode", "email",
    "telephone", "mobile", "phone", "ethnic", "religio", "belief", "sexualorientation", "disabilit", "nationality",
    "maritalstatus", "gmcnumber", "gmcno", "nmcpin", "hcpcnumber", "registrationnumber", "registrationno",
    "professionalregistration", "passport", "visa", "homeaddress", "nextofkin", "bankaccount", "sortcode",
    "nationalins", "natins", "nhsnumber", "nhsno", "contact", "employeename", "staffname", "personname",
)  # fmt: skip
# "... Name" is personal unless the words before it name an organisation or a post, not a person.
ORGANISATIONAL_NAMES = re.compile(
    r"^(?:organisation|organization|org|team|department|dept|unit|site|ward|position|post|job|role|jobrole|"
    r"costcentre|costcenter|location|directorate|division|trust|area|areaofwork|staffgroup|grade|band|"
    r"occupation|occupationcode|service|specialty|speciality|base|payscale|locality|hierarchy|level\d*|"
    r"employer|employingorganisation|orgunit|organisationunit)name$"
)


def looks_personal(header: str) -> bool:
    """Whether a column, by its header alone, holds personal data."""
    key = normalise_header(header)
    if not key:
        return False
    if key in PERSONAL_EXACT or any(fragment in key for fragment in PERSONAL_FRAGMENTS):
        return True
    return key.endswith("name") and not ORGANISATIONAL_NAMES.match(key)


# --------------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------------

SAMPLE_SIZE = 200  # values looked at per column
SHARE = 0.5  # a column is personal when at least this share of its non-empty sampled values look personal

# NI numbers: two prefix letters (HMRC never issues D, F, I, Q, U, V first or D, F, I, O, Q, U, V
# second; QQ is the specimen prefix, used in examples, so it counts too), six digits, a suffix A-D.
_NI = re.compile(r"^(?:[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]|QQ)\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]?$")
_NI_NEVER = ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
# UK numbers: 01, 02, 03 (landlines), 07 (mobiles), 08 (freephone) with 10 or 11 digits, or +44 / 0044.
_PHONE = re.compile(r"^(?:\+44|0044|0)(?:[1237]\d{8,9}|8\d{8,9})$")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d/%m/%y")
_WORD = r"[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)*"
_SURNAME_FIRST = re.compile(
    rf"^(?:{_WORD}|[A-Z]{{2,}}(?:['’-][A-Z]+)*)(?: {_WORD})?,\s*{_WORD}(?: {_WORD}| [A-Z]\.?)*$"
)
_FORENAME_FIRST = re.compile(rf"^{_WORD}(?: [A-Z]\.?)?(?: {_WORD}){{1,2}}$")


def _words(text: str) -> list[str]:
    return text.split()


# Words that make a value an organisation unit, a place or a job title, never a person (a surname such as
# Porter or Cook is lost with them, which a column of many names survives).
ORGANISATION_WORDS = frozenset(
    _words(
        """
        ward wards team teams unit units service services north south east west central centre center clinic
        clinics hospital house lodge court villa suite community crisis home treatment inpatient outpatient
        liaison assessment recovery rehabilitation rehab acute older adult adults adolescent child children
        young people family families health mental learning disability disabilities forensic secure memory
        psychology psychiatry psychiatric therapy therapies therapies nursing medical admin administration
        office offices hub base directorate division department support early intervention perinatal eating
        disorders disorder substance misuse addiction addictions access pathway place street road lane park
        green hill view wing floor block site campus city county district borough region trust partnership
        foundation primary care day night bank staff pool management board corporate finance estates facilities
        workforce training education research quality safety governance pharmacy dietetics physiotherapy
        occupational speech language and of the for with
        nurse nurses worker workers assistant associate practitioner practitioners psychologist psychiatrist
        therapist psychotherapist consultant manager lead clerk officer secretary administrator coordinator
        director specialist senior junior trainee apprentice registrar doctor pharmacist technician navigator
        clinical clinician healthcare social peer physician advanced deputy head matron sister charge student
        approved counsellor advisor adviser analyst engineer porter receptionist housekeeper supervisor
        facilitator mentor educator scientist dietitian midwife paramedic locum bank agency
        """
    )
)
# Forenames common in England and Wales (ONS baby names over several decades): enough to tell
# "Oliver Smith" (a person) from "Maple Ward" (a unit) when the shape alone cannot.
FORENAMES = frozenset(
    _words(
        """
        aaron abigail adam adrian aidan aisha alan alex alexander alexandra alice alison amanda amber amelia amy
        andrea andrew angela ann anna anne anthony antony barbara barry ben benjamin beth bethany beverley bill
        brenda brian bryony callum carl carol caroline catherine charles charlie charlotte chloe chris christine
        christopher claire clare colin craig daniel danielle darren david dawn dean deborah debra denise dennis
        diane donna dorothy douglas duncan edward eleanor elizabeth ella ellie emily emma eric evie faye fiona
        frances francesca frank gail gareth gary gavin gemma geoffrey george georgia gillian glenn gordon grace
        graham hannah harriet harry hayley heather helen holly ian imogen isabel isabella isla jack jacob
        jacqueline james jamie jane janet janice jasmine jason jean jennifer jenny jessica jill joan joanna
        joanne john jonathan joseph josh joshua joyce judith julia julie karen kate katherine kathleen kathryn
        katie kay keith kelly kerry kevin kieran kim kirsty laura lauren leah lee leo liam lily linda lindsay
        lisa lorraine louise lucy luke lynn lynne malcolm margaret maria marie mark martin mary matthew maureen
        megan melanie michael michelle mohammed muhammad mia natalie nathan neil nicholas nicola nigel noah
        olivia oliver owen pamela patricia patrick paul pauline peter philip phillip rachel rebecca richard
        robert robin rose rosie ruby russell ruth ryan sally samantha samuel sandra sarah scott sean sharon
        sheila shirley simon sophie stephanie stephen steven stuart susan suzanne teresa thomas tim timothy tina
        toby tom tony tracey tracy valerie vanessa victoria vincent wayne wendy william yvonne zoe ottoline
        """
    )
)


def nhs_number_valid(text: str) -> bool:
    """Whether text is a 10-digit NHS number (spaces or dashes allowed) with a valid modulus 11 check digit."""
    digits = re.sub(r"[\s-]", "", text)
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _ni_number(text: str) -> bool:
    value = text.upper().strip()
    return bool(_NI.match(value)) and value[:2] not in _NI_NEVER


def _phone(text: str) -> bool:
    return bool(_PHONE.match(re.sub(r"[\s()\-.]", "", text)))


def _date(text: str) -> dt.date | None:
    value = text.strip()[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", text.strip()) else text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _birth_date(text: str, today: dt.date) -> bool:
    """A date 16 to 100 years ago: a working adult's birth (start dates mostly fall within 16 years)."""
    date = _date(text)
    return date is not None and today.year - 100 <= date.year <= today.year - 16


def _name_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", text.lower())


def _surname_first(text: str) -> bool:
    value = text.strip()
    return bool(_SURNAME_FIRST.match(value)) and not ORGANISATION_WORDS.intersection(_name_words(value))


def _forename_first(text: str) -> bool:
    value = text.strip()
    return bool(_FORENAME_FIRST.match(value)) and not ORGANISATION_WORDS.intersection(_name_words(value))


# (reason shown to the user, test of one value), in the order they are tried.
_VALUE_TESTS = (
    ("NI numbers", _ni_number),
    ("NHS numbers", nhs_number_valid),
    ("email addresses", lambda v: bool(_EMAIL.match(v.strip()))),
    ("phone numbers", _phone),
    ("people's names written 'Surname, Forename'", _surname_first),
)


def personal_values_reason(values: Iterable[object], *, today: dt.date | None = None) -> str | None:
    """What personal data a sample of a column's values looks like ("NI numbers", ...), or None."""
    sample = [str(v).strip() for v in values if v is not None and str(v).strip()][:SAMPLE_SIZE]
    if not sample:
        return None
    needed = max(1, int(len(sample) * SHARE + 0.999))
    for reason, test in _VALUE_TESTS:
        if sum(1 for v in sample if test(v)) >= needed:
            return reason
    today = today or dt.date.today()
    if sum(1 for v in sample if _birth_date(v, today)) >= max(needed, int(len(sample) * 0.8 + 0.999)):
        return "dates of birth (dates 16 to 100 years ago)"
    if _forename_surname_column(sample, needed):
        return "people's names written 'Forename Surname'"
    return None


def _forename_surname_column(sample: Sequence[str], needed: int) -> bool:
    shaped = [v for v in sample if _forename_first(v)]
    if len(shaped) < needed:
        return False
    known_forename = sum(1 for v in shaped if _name_words(v)[0] in FORENAMES)
    distinct = len(set(shaped)) / len(shaped)
    # Known forenames settle it; otherwise people's names are nearly all different down a sample of staff
    # rows, where the units they work in repeat. A handful of values proves nothing either way.
    return known_forename >= max(1, len(shaped) // 3) or (len(shaped) >= 20 and distinct >= 0.9)
