"""HTTP routes of the hub (DESIGN.md section 9)."""
