"""Scale data for PostgreSQL: an IKC board's worth of organisations, children, consent,
transfers and a million hash-chained audit events, written with COPY (see seed.py and
`manage.py seed_scale`). Used by the benchmark in bench/; never by the application."""
