"""The versioned readiness framework and each deployment's readiness assessments."""
