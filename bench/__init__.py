"""Benchmarks of vmss-runcommands against azure-mgmt-compute and a bare urllib3 + json floor.

Not part of the package and not imported by the tests: run it with ``nox -s bench``.
"""
