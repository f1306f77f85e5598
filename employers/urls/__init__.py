"""The employer area's two doors: `public` (/employers/<slug>/) and `dashboard` (everything under /employer/)."""
