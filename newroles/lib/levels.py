"""Levels of training and expertise, in order (pure Python, no Django).

The skill-mix typology tells delegation from horizontal substitution by whether two disciplines' "levels of
training and expertise" are equal (Sibbald, Shen & McBride 2004; Nancarrow & Borthwick 2005). Registration
with a regulator does not measure that: a CBT therapist on an accredited register and a clinical psychologist
on the HCPC register are both postgraduate-trained professionals. So each catalogue role carries one of these
levels, with its reason, and the typology compares levels (and bands), not regulators.
"""

from __future__ import annotations

SUPPORT = "support"
ASSOCIATE = "associate"
REGISTERED_PROFESSIONAL = "registered_professional"
ADVANCED = "advanced"
MEDICAL = "medical"

# Lowest first: a higher level has longer training and, in practice, more autonomy.
LEVELS: tuple[str, ...] = (SUPPORT, ASSOCIATE, REGISTERED_PROFESSIONAL, ADVANCED, MEDICAL)

LEVEL_LABELS: dict[str, str] = {
    SUPPORT: "Support",
    ASSOCIATE: "Associate",
    REGISTERED_PROFESSIONAL: "Registered professional",
    ADVANCED: "Advanced and consultant practice",
    MEDICAL: "Medical",
}

# What each level means, in plain words (shown where a user chooses one).
LEVEL_HINTS: dict[str, str] = {
    SUPPORT: "No professional qualification for the role: support workers, peer support workers, assistants.",
    ASSOCIATE: (
        "Trained for a defined scope under a registered professional: nursing associates, pharmacy technicians, "
        "physician associates, and graduate-certificate practitioners such as psychological wellbeing "
        "practitioners."
    ),
    REGISTERED_PROFESSIONAL: (
        "A professional qualification and register: nurses, occupational therapists, social workers, "
        "psychologists, paramedics, pharmacists, and postgraduate therapists such as CBT therapists."
    ),
    ADVANCED: "Master's-level advanced practice or consultant practice built on a registered profession.",
    MEDICAL: "Doctors.",
}

LEVEL_CHOICES = [(level, LEVEL_LABELS[level]) for level in LEVELS]


def level_rank(level: str) -> int:
    """Position of a level in ``LEVELS`` (support 0 ... medical 4); ValueError for anything else."""
    return LEVELS.index(level)
