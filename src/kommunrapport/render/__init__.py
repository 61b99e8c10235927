"""Renderers: Markdown (Jinja), charts (matplotlib, Agg), the Excel annex and JSON."""
