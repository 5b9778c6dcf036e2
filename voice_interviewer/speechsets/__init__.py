"""Spoken test material for benchmarks and tests: voices other than the interviewer's, and
labelled speech sets built from them (jargon answers, turn ends and thinking pauses)."""
