"""Core building blocks; each file here is exported from one course module."""
