"""The normaliser's thresholds, confidences and factors, each with the reason for its value.

The workforce import reviews answers below 0.8 (its REVIEW_CONFIDENCE) and counts the rest under their
role: several values below are placed on one side of that line on purpose, as their comments say.
"""

from __future__ import annotations

# Lowest fuzzy score (Damerau-Levenshtein similarity of the word-sorted cleaned title to a name or
# alias, 0-100) at which a fuzzy match answers. Calibrated on roles/tests/data/labelled_titles.csv by 5-fold
# cross-validation (test_fuzzy_cutoff_is_calibrated): on each four folds, the lowest cutoff whose
# fuzzy answers reach 0.95 precision; the folds chose 81-82. Set one point above, because fuzzy
# answers are few (15 of the 965 rows): every right fuzzy match there scores >= 84.6 and the nearest
# near miss ("Sports Therapist" -> arts therapist) 81.2.
FUZZY_CUTOFF = 83.0
# A fuzzy winner must beat the best different role by this many points, or the title is ambiguous
# ("wellbeing practitioner" is as close to three roles).
FUZZY_MARGIN = 4.0
# Answers whose final confidence falls below this are returned as abstentions.
ANSWER_THRESHOLD = 0.5
# A title answer at least this confident stands against a contradicting code.
CONFIDENT_TITLE = 0.75

# How sure each kind of title answer is, strongest first. A trust's own alias is the trust's word for
# its own post; a catalogue name or alias is exact but may itself hold a mistake; a catalogue phrase
# inside a longer title ("Peer Support Worker PICU") may sit beside words that change it; the
# supplementary aliases (roles/data/normaliser.toml) rank under the catalogue's, so a curator's alias
# wins where both list a title; a psychiatry word beside a doctor's word is a rule. All count without
# review.
CONF_TRUST_ALIAS = 0.99
CONF_EXACT = 0.98
CONF_PHRASE = 0.92
CONF_SUPPLEMENTARY = 0.9
CONF_PSYCHIATRY_RULE = 0.88
# A fuzzy match's confidence rises linearly from LOW at FUZZY_CUTOFF to HIGH at a perfect score: below
# every exact and rule answer, and under review level unless the match is near perfect.
FUZZY_CONF_LOW, FUZZY_CONF_HIGH = 0.6, 0.85
# A code speaking alone is weaker than a title: codes are entered from a short list, often the
# nearest one rather than the right one.
CODE_ONLY_GENERIC_FACTOR = 0.9  # title says nothing about the role ("Band 4", "Practitioner")
CODE_ONLY_UNKNOWN_FACTOR = 0.7  # title names something the catalogue does not know

# A code that contradicts the title costs the answer a tenth of its confidence: a contradicted exact
# alias (0.98 -> 0.88) or phrase (0.92 -> 0.83) still counts, a contradicted fuzzy match (at most 0.85 ->
# 0.77) goes to review.
CONFLICT_FACTOR = 0.9
# A weak (fuzzy) title against a code naming another role: the code answers, at 70% of its strength
# (a specific code 0.85 -> 0.6), above ANSWER_THRESHOLD but below review level, so a person checks it.
CODE_OVER_WEAK_TITLE_FACTOR = 0.7
# A retired occupation code was entered from an old list: its evidence counts 80% (a specific code
# 0.85 -> 0.68, below review level on its own).
RETIRED_CODE_FACTOR = 0.8
# Codes naming different roles cast doubt on each other: the stronger one counts 80%.
DISAGREEING_CODES_FACTOR = 0.8
# Codes that agree add this much strength each time, up to a cap below an exact title (0.98): two codes
# are still only codes.
AGREEING_CODES_BONUS = 0.05
AGREEING_CODES_CAP = 0.95
# A code that names one of an ambiguous title's two or three possible roles settles it with at least
# this confidence: the title has narrowed the roles and the code picks one, so the answer is counted
# without review (review is below 0.8).
SETTLED_BY_CODE_FLOOR = 0.8
# A code that names no role but whose staff group fits only one of an ambiguous title's roles ("Approved
# Clinician" with a therapist's code is not the psychiatrist) answers with this: above ANSWER_THRESHOLD,
# below review level, because a staff group is weaker evidence than a code naming the role.
SETTLED_BY_STAFF_GROUP = 0.7
# A title and a code that agree combine as independent evidence, 1 - (1 - title) * (1 - code), capped
# here: no answer is certain, and a cap keeps agreeing answers comparable with one another.
MAX_COMBINED_CONFIDENCE = 0.995
# The score each possible role of an ambiguous title gets among the candidates a person chooses from:
# an even chance, whatever the number of roles.
AMBIGUOUS_CANDIDATE_SCORE = 0.5
# Lowest similarity (0-1) at which a fuzzy hit is kept as a candidate at all; half the letters in
# common is the least that still helps a person resolving the title by hand.
FUZZY_CANDIDATE_SIMILARITY = 0.5
# Lowest rapidfuzz ratio (0-100) at which the spelling corrector replaces an unknown word: at 85 a
# short word can only gain or lose one letter ("per" -> "peer"), so place names and team codes are left
# alone.
WORD_CORRECTION_RATIO = 85
# Bounds on the caches of a long-lived normaliser (the web process keeps one per trust): far above
# the ~36,000 distinct titles and ~80,000 (title, job role, code) triples of a national extract, so
# an import never clears them, yet a process cannot grow without limit.
ANSWER_CACHE_LIMIT = 500_000
EVIDENCE_CACHE_LIMIT = 100_000
