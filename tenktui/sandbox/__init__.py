"""The 10,000ft (and later Leantime) emulator used by tests, benchmarks and --demo."""
