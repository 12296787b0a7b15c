"""Results: response counts and the one disclosure rule every aggregated figure passes through."""
