"""What `make benchmark` measures (scripts/benchmark.py prints it): load with locust, the knowledge store's
lookups at the real content size and 100 times larger, and the chart of a run."""
