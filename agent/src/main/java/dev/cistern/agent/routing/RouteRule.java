package dev.cistern.agent.routing;

import java.util.Map;
import java.util.regex.Pattern;

/** A compiled routing rule; null conditions are absent. */
public record RouteRule(String stream, String name, String namePrefix, Pattern nameRegex, Map<String, String> labels,
                        boolean isFinal) {}
