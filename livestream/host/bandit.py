"""Which product to pitch next: the rundown in order first, then Thompson sampling on reward.

Plain Python, no Django. The reward is engagement and conversions per minute of airtime,
conversions weighted up; each product's rate has a Gamma-Poisson posterior.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

REWARD_COMMENT = 1.0
REWARD_QUESTION = 2.0
REWARD_PER_LIKE = 0.05
REWARD_LIKE_CAP = 2.0
REWARD_GIFT = 2.0
REWARD_ADD_TO_CART = 3.0
REWARD_PURCHASE = 10.0
PRIOR_SHAPE = 1.0
PRIOR_RATE_MIN = 1.0


def like_reward(count: int) -> float:
    """A burst of likes is worth at most ``REWARD_LIKE_CAP``."""
    return min(REWARD_LIKE_CAP, REWARD_PER_LIKE * max(0, count))


def choose_next(
    eligible: Sequence[int],
    *,
    exclude: int | None,
    pitches: Mapping[int, int],
    reward: Mapping[int, float],
    airtime_s: Mapping[int, float],
    rng: random.Random,
) -> int | None:
    """Unseen products in rundown order first, then the best draw of reward per minute."""
    if not eligible:
        return None
    unseen = [pid for pid in eligible if pitches.get(pid, 0) == 0 and pid != exclude]
    if unseen:
        return unseen[0]
    candidates = [pid for pid in eligible if pid != exclude] or list(eligible)
    best, best_draw = candidates[0], -1.0
    for pid in candidates:
        shape = PRIOR_SHAPE + reward.get(pid, 0.0)
        rate = PRIOR_RATE_MIN + airtime_s.get(pid, 0.0) / 60.0
        draw = rng.gammavariate(shape, 1.0 / rate)
        if draw > best_draw:
            best, best_draw = pid, draw
    return best
