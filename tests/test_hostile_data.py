"""Wrong data with exit 0 is the worst failure: each reproducer here once gave it."""

from __future__ import annotations

import numpy as np

from datagen.engine.execute import dry_run
from datagen.engine.load import load_dataset
from tests.hostile_helpers import HOSTILE


def test_only_the_parent_link_takes_the_parents_key() -> None:
    tables = dry_run(load_dataset(HOSTILE / "follow.json"), seed=5, rows_per_table=200)
    follow = tables["follow"]
    follower = np.asarray(follow.column("follower_id"))
    followee = np.asarray(follow.column("followee_id"))
    assert len(follower) > 300
    # the link column follows the fanout layout: each user's rows are contiguous
    assert (np.diff(follower) >= 0).all()
    # the other key is sampled: about 1 row in 200 points at the same user, not every row
    assert (follower == followee).mean() < 0.05
    assert len(np.unique(followee)) > 100
