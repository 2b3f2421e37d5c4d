"""The scale benchmark's measurements, by kind (bench/bench_scale.py runs them in order)."""
