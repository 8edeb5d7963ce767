"""Stage 4: service utility and re-identification risk, measured on the released data."""
