"""The scale seed: an IKC board's worth of data, written with COPY (see bench/scale/copy.py).

Default size (`manage.py seed_scale`): 50 IKCs, each with a childcare organisation and a
school board (100 organisations), 25,000 children with 45,000 guardians, 200 agreement
versions (two agreements per IKC, each with a superseded and an active version), 200,000
consent decisions, 100,000 transfers with content (sent ones: the receiver's copy holds
it) and 300,000 TransferAccess rows, and 1,000,000 audit events whose hash chains are
valid: each event's canonical text, SHA-256 and search keys are computed here with the very
functions of ikc_share/audit.py (canonical_payload, chain_link), in time order per chain,
and the chain heads point at the last event of each chain.

The first IKC is the benchmark's. Its childcare organisation is a large one with a busy
trail: besides the events of its own data it gets the whole top-up to the million (page
views and logins, about 290,000 at the default size), so that the audit browser has a
page 500 pages deep and the export streams a big organisation. It has the benchmark users:

    directeur.schaal      director of the childcare organisation
    fg.schaal             its privacy officer
    pm.schaal             staff (pedagogisch medewerker) at its daycare location
    leerkracht.schaal     staff (leerkracht groep 1-2) of the school board: the transfer inbox
    ouder.schaal@example.nl  a parent of two children at childcare and one at school

All users share the password SCALE_PASSWORD. The data are invented: names are drawn from
short lists, nothing refers to a real person. Ids are assigned here, sequences are reset
at the end.
"""

from bench.scale.seed.data import BENCH_USERNAMES, SCALE_PASSWORD, Sizes
from bench.scale.seed.seeder import Seeder, seed

__all__ = ["BENCH_USERNAMES", "SCALE_PASSWORD", "Seeder", "Sizes", "seed"]
