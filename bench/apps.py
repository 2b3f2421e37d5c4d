from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Development only: the scale seeder for the benchmark (`manage.py seed_scale`).
    Installed when IKC_BENCH=1 (bench/run sets it); never in the product image."""

    name = "bench"
    verbose_name = "Benchmark"
