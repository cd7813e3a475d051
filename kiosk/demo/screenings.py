"""Completed screenings for the demo encounters: every band of every instrument occurs.

Its own random stream per encounter (``screenings:<seed>:<patient>``), so adding screenings
changed no other demo value. A target total is drawn evenly over the instrument's whole range
and spread over its items, so minimal to severe PHQ-9s, every GAD-7 band, positive and
negative AUDIT-Cs and falls at risk all appear; a few are skipped with a reason.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from kiosk.models import SKIP_REASONS, Language, ScreeningResult, Screenings, Sex
from kiosk.screening import due_screenings, instruments, result_for
from kiosk.screening.due import ScreeningRules


def _answers(rng: random.Random, name: str, target: int) -> dict[str, int]:
    instrument = instruments()[name]
    items = list(instrument.items)
    answers = {item.code: 0 for item in items}
    top = {item.code: max(a.value for a in instrument.choices(item)) for item in items}
    left = target
    while left > 0:
        code = rng.choice([c for c in answers if answers[c] < top[c]])
        answers[code] += 1
        left -= 1
    if instrument.extra is not None:
        answers[instrument.extra.code] = min(3, target // 7)
    return answers


def demo_screenings(seed: int, patient_id: str, age: int, sex: Sex, at: datetime) -> Screenings:
    """The screenings of one demo encounter (those due by the default rules, most answered)."""
    rng = random.Random(f"screenings:{seed}:{patient_id}")
    due = [d.instrument for d in due_screenings(ScreeningRules(), age, sex, {}, at.date()) if d.due]
    results: list[ScreeningResult] = []
    for name in due:
        when = at + timedelta(minutes=rng.randrange(1, 10))
        if rng.random() < 0.1:
            reason = rng.choice(SKIP_REASONS)
            results.append(ScreeningResult(instrument=name, skipped=reason, at=when))
            continue
        instrument = instruments()[name]
        if name == "phq" and rng.random() < 0.5:  # PHQ-2 below 3: the rest not asked
            answers = {instrument.items[0].code: rng.randrange(3), instrument.items[1].code: 0}
        else:
            low = instrument.gate.at_least if instrument.gate is not None else 0
            answers = _answers(rng, name, rng.randrange(low, instrument.max_total + 1))
            short = [item.code for item in instrument.items[:2]]
            rest = [item.code for item in instrument.items[2:]]
            while name == "phq" and sum(answers[c] for c in short) < low:
                # PHQ-9 was asked, so PHQ-2 was positive: move points up, the total kept
                answers[next(c for c in rest if answers[c] > 0)] -= 1
                answers[next(c for c in short if answers[c] < 3)] += 1
        by = "patient" if rng.random() < 0.5 else "staff"
        language: Language = "es" if rng.random() < 0.2 else "en"
        results.append(result_for(name, answers, sex, by=by, language=language, at=when))
    return Screenings(results=results, due=due, reviewed=True)
