"""Reference web front-end: participant and organizer pages served by the API app."""
