package dev.cistern.agent.config;

import java.util.regex.Pattern;

/**
 * Kubernetes service-link variables: a Service named {@code cistern} (or {@code cistern-*}) makes the kubelet
 * inject {@code CISTERN_PORT=tcp://10.0.0.7:9464}, {@code CISTERN_PORT_9464_TCP_ADDR}, {@code CISTERN_SERVICE_HOST}...
 * into every pod of the namespace. They share our prefix but are not configuration, so they are skipped
 * (one INFO line says which) instead of stopping the agent as unknown keys. A misspelled key never has
 * these shapes, so it still fails.
 */
final class ServiceLinks {
    // after CISTERN_: an optional rest of the service name, then the kubelet's suffixes
    private static final Pattern BY_NAME = Pattern.compile(
            "([A-Z0-9_]+_)?(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT_\\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)");
    // a bare ..._PORT counts only with the kubelet's value, tcp://10.0.0.7:9464
    private static final Pattern BARE_PORT = Pattern.compile("([A-Z0-9_]+_)?PORT");
    private static final Pattern LINK_VALUE = Pattern.compile("(tcp|udp|sctp)://\\S+");

    private ServiceLinks() {}

    /** True for a variable (name after the prefix) the kubelet injects for a Service. */
    static boolean isServiceLink(String nameAfterPrefix, String value) {
        return BY_NAME.matcher(nameAfterPrefix).matches()
                || BARE_PORT.matcher(nameAfterPrefix).matches() && LINK_VALUE.matcher(value).matches();
    }
}
