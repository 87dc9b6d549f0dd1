"""A share is judged against the binomial spread of the rows actually measured."""

from __future__ import annotations

from datagen.engine import dsl
from datagen.engine.validate.claims import MEASURES, Measured


def honoured(expected: dsl.ClaimExpected, hits: int, rows: int) -> bool:
    return MEASURES["share"].honoured(expected, Measured(hits / rows, rows))


def test_a_small_dry_run_may_miss_a_rare_share_but_the_full_data_may_not() -> None:
    """'1% fraudulent' measured 0.27% (2 of 729 rows) on a dry run: 7 expected, 2 drawn is
    well within a binomial's spread there; 0.27% over 200,000 rows is not 1%."""
    one_percent = dsl.ClaimExpected(value=0.01, tolerance=0.002, unit="share")
    assert honoured(one_percent, 2, 729)
    assert not honoured(one_percent, 540, 200_000)
    assert honoured(one_percent, 2_050, 200_000)
    assert not honoured(one_percent, 0, 5_000)


def test_bounds_widen_by_the_spread_at_the_bound() -> None:
    mostly = dsl.ClaimExpected(min=0.5, unit="share")
    assert honoured(mostly, 140, 300)  # 46.7% of 300 rows: within the spread of 50%
    assert not honoured(mostly, 460_000, 1_000_000)


def test_a_mean_over_few_rows_gets_their_sampling_error_whole() -> None:
    """'paying users spend $20 a month on average' over 13 paying users of a dry run measured
    25.24: within their spread; over 5,000 users it is not $20."""
    twenty = dsl.ClaimExpected(value=20.0, tolerance=2.0)
    mean = MEASURES["mean"]
    assert mean.honoured(twenty, Measured(25.24, 13, {"std": 13.0}))
    assert not mean.honoured(twenty, Measured(25.24, 5_000, {"std": 13.0}))
    assert mean.honoured(twenty, Measured(20.4, 5_000, {"std": 13.0}))
