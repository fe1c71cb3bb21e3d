package dev.cistern.agent.apply;

import dev.cistern.agent.routing.Router;
import dev.cistern.spool.Labels;

/**
 * Where remote_write rows go and the labels they all get: swapped whole by a config reload, never field by field.
 * {@code generation} counts the swaps; series cached under another generation are made again.
 */
record Routing(Router router, Labels staticLabels, long generation) {}
