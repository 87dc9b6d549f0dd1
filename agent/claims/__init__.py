"""Claims: what the description asks for, extracted, bound to measures, checked on the data.

    claims = extract_claims("40 bakeries, about 8% no-shows, Q3 2024")
    dataset, assumptions = bind_claims(dataset, claims)

`extract` reads the phrases (deterministic, no LLM, shared by every provider),
`bind` ties each claim to a registered measure of engine/validate/claims.py or
marks it not_modelled with a reason.
"""

from datagen.agent.claims.bind import bind_claims
from datagen.agent.claims.extract import REFERENCE_DATE, extract_claims

__all__ = ["REFERENCE_DATE", "bind_claims", "extract_claims"]
