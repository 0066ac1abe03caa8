"""The demo's teams at its two case-study trusts, kept here, below every app that uses them: the demo
(the top of the house) creates them, and the staff record's demo names its extracts' units after them.
Each is (name, service type, description, shared with other trusts)."""

from __future__ import annotations

DEMO_TEAMS = {
    "TAH": [
        ("CMHT North", "community", "Community mental health team, north of the city.", True),
        ("CMHT South", "community", "Community mental health team, south of the city.", False),
        (
            "Crisis Resolution and Home Treatment",
            "crisis",
            "24-hour crisis assessment and home treatment.",
            True,
        ),
        ("Early Intervention in Psychosis", "early_intervention", "First-episode psychosis service.", False),
        ("Maple Ward", "inpatient", "Adult acute inpatient ward.", False),
        ("Perinatal Mental Health", "perinatal", "Community perinatal service.", False),
    ],
    "RXE": [
        ("Doncaster CMHT", "community", "Community mental health team.", True),
        ("Rotherham Talking Therapies", "talking_therapies", "NHS Talking Therapies service.", False),
        ("Mental Health Support Team – Schools", "schools", "Education mental health practitioners.", False),
    ],
}
