package dev.cistern.agent.http;

/**
 * An endpoint at an exact path. Ingest routes need the bearer token (when set) and run on the ingest
 * workers; ops routes (health, readiness, metrics) need none, take GET and HEAD, and run on their own
 * small pool so they answer while ingest is saturated.
 */
record Route(String path, String name, boolean ingest, HttpFront.Endpoint endpoint) {}
