"""Personal data is recognised by a sample of a column's values, and organisation units are not mistaken for it."""

from __future__ import annotations

import datetime as dt

import pytest

from newroles.lib.personal import looks_personal, nhs_number_valid, personal_values_reason

TODAY = dt.date(2026, 12, 2)

ORG_UNITS = [
    "349 Maple Ward", "Maple Ward", "CMHT North", "Oak Lodge", "Crisis Team", "Home Treatment Team",
    "Early Intervention in Psychosis", "Willow Suite", "Assertive Outreach", "Learning Disability Service",
    "Older Adults CMHT", "Perinatal Mental Health", "Forest Close", "Beech House", "IAPT Doncaster",
    "Sheffield Eating Disorders", "Liaison Psychiatry RHH", "350 CMHT North", "Ward 34", "Birch Avenue",
]  # fmt: skip
TITLES = ["Staff Nurse", "Peer Support Worker", "Clinical Associate Psychologist", "Ward Clerk", "Nursing Associate",
          "Recovery Navigator", "Consultant Psychiatrist", "Healthcare Assistant"]  # fmt: skip
PEOPLE_SURNAME_FIRST = ["Smith, John", "O'Neil, Siobhan", "SMITH-JONES, Amara", "Okafor, Chidi", "Patel, Priya",
                        "Nowak, Kasia", "Wright, Ruth A.", "Khan, Imran"]  # fmt: skip
PEOPLE_FORENAME_FIRST = ["Oliver Smith", "Priya Patel", "Sarah Jones", "Mohammed Khan", "Emma Louise Wilson",
                         "David O'Brien", "Helen Clarke", "James Wright"]  # fmt: skip


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (["AB123456C", "QQ 12 34 56 A", "JG103759A", "ce123456d"], "NI numbers"),
        (["943 476 5919", "9434765870", "401-023-2137"], "NHS numbers"),
        (["a.person@nhs.net", "someone@example.org", ""], "email addresses"),
        (["07700 900123", "0114 496 0000", "+44 7700 900456", "(0114) 4960123"], "phone numbers"),
        (PEOPLE_SURNAME_FIRST, "people's names written 'Surname, Forename'"),
        (PEOPLE_FORENAME_FIRST, "people's names written 'Forename Surname'"),
        (["1961-03-14", "14/03/1975", "1988-11-02 00:00:00", "02 Nov 1990", "1959-07-30"], "dates of birth"),
    ],
)
def test_personal_values_are_recognised(values, reason):
    assert personal_values_reason(values, today=TODAY).startswith(reason)


@pytest.mark.parametrize(
    "values",
    [
        ORG_UNITS,
        TITLES,
        ["Band 5", "Band 6", "Band 8a", "Band 4"],
        ["1.0", "0.8", "37.5", "0.6"],
        ["N6D", "H1D", "NGD", "S0B"],
        ["Nursing and Midwifery Registered", "Additional Clinical Services", "Administrative and Clerical"],
        ["2021-04-01", "2019-09-15", "2024-01-08", "2016-06-30", "2003-02-01"],  # start dates
        ["1234567890", "1234567891", "1234567892", "1234567893"],  # ten-digit codes, not NHS numbers
        ["99000001-1", "99000002-1"],  # assignment numbers are caught by their header, not here
        ["TAH", "RXE"],
        [],
    ],
)
def test_organisational_values_are_not_personal(values):
    assert personal_values_reason(values, today=TODAY) is None


def test_a_column_of_distinct_two_word_values_with_unknown_forenames_is_names():
    people = [f"{first} {last}" for first, last in zip(
        ["Ottilie", "Bartholomew", "Zephyrine", "Anselm", "Clementine", "Thaddeus", "Wilhelmina", "Percival",
         "Araminta", "Ignatius", "Leopoldine", "Evander", "Honoria", "Lysander", "Perpetua", "Cornelius",
         "Seraphina", "Ambrose", "Philippa", "Barnaby", "Octavia", "Florian"],
        ["Quaxworthy", "Zindelbrook", "Pellingham", "Mortlestone", "Vexabrine", "Thistlecombe", "Ashdown",
         "Brackley", "Cheverton", "Dunsford", "Elmhurst", "Fenwick", "Garside", "Hartigan", "Ingleby", "Jessop",
         "Kettleby", "Lindqvist", "Marwood", "Nettleship", "Ormerod", "Penhaligon"], strict=True)]  # fmt: skip
    assert personal_values_reason(people, today=TODAY) == "people's names written 'Forename Surname'"
    # The same shape repeating down an extract is where people work, not who they are.
    units = ["Maple Lane", "Beech Close", "Forest View"] * 10
    assert personal_values_reason(units, today=TODAY) is None


def test_a_few_names_among_many_units_do_not_make_the_column_personal():
    assert personal_values_reason([*ORG_UNITS, "Oliver Smith"], today=TODAY) is None


def test_nhs_numbers_need_a_valid_check_digit():
    assert nhs_number_valid("943 476 5919")
    assert not nhs_number_valid("943 476 5918")
    assert not nhs_number_valid("94347659")


@pytest.mark.parametrize(
    "header", ["NI", "National Ins No", "Employee", "Contact", "Employee Name", "NHS Number", "Contact Number",
               "Nat Ins No"],
)  # fmt: skip
def test_more_personal_headers_are_recognised(header):
    assert looks_personal(header)


@pytest.mark.parametrize("header", ["Contracted WTE", "Employee Category", "Staff Group", "Organisation", "Grade"])
def test_organisational_headers_stay_readable(header):
    assert not looks_personal(header)


def test_a_sample_of_distinct_job_titles_is_not_names():
    titles = [
        "Clinical Psychologist",
        "Consultant Psychiatrist",
        "Healthcare Assistant",
        "Art Psychotherapist",
        "Senior Practitioner",
        "Advanced Clinical Practitioner",
        "Approved Mental Health Professional",
        "Specialty Doctor",
        "Deputy Manager",
        "Team Leader",
        "Mental Health Practitioner",
        "Peer Support Worker",
        "Staff Nurse",
        "Charge Nurse",
        "Nursing Associate",
        "Trainee Nursing Associate",
        "Assistant Psychologist",
        "Family Therapist",
        "Social Worker",
        "Matron",
        "Pharmacy Technician",
        "Dietitian",
        "Physician Associate",
        "Ward Manager",
        "Clinical Lead",
    ]
    assert len(set(titles)) == len(titles)
    assert personal_values_reason(titles, today=TODAY) is None
