"""Sign-in: login and sessions (login), password hashing and tokens (tokens), throttles (throttle)."""
