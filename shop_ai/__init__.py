"""The kernel every app may use: tenancy, errors, after-commit helpers, egress, API shells."""
