package dev.cistern.agent.ingest;

import java.util.Locale;

/**
 * Which remote_write message a request carries, from its Content-Type as the Remote-Write 2.0
 * spec negotiates it: {@code application/x-protobuf} with no {@code proto} parameter or
 * {@code proto=prometheus.WriteRequest} is 1.0, {@code proto=io.prometheus.write.v2.Request} is
 * 2.0, and anything else is 415 naming what is accepted (a 2.0 sender may then fall back to 1.0).
 */
enum RemoteWriteProtocol {
    V1("prometheus.WriteRequest"),
    V2("io.prometheus.write.v2.Request");

    static final String ACCEPTED = "application/x-protobuf with no proto parameter, proto=prometheus.WriteRequest"
            + " or proto=io.prometheus.write.v2.Request";

    final String message;

    RemoteWriteProtocol(String message) {
        this.message = message;
    }

    /** The protocol of a Content-Type header value (null: none sent). */
    static RemoteWriteProtocol of(String contentType) {
        String v = contentType == null ? "" : contentType.strip();
        String[] parts = v.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/x-protobuf")) {
            throw refused("remote_write needs Content-Type " + ACCEPTED + ", got '" + v + "'");
        }
        RemoteWriteProtocol found = V1;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            if (!name.equals("proto")) continue; // e.g. charset: not ours to judge
            String value = eq < 0 ? "" : unquote(p.substring(eq + 1).strip());
            if (value.equals(V1.message)) found = V1;
            else if (value.equals(V2.message)) found = V2;
            else throw refused("remote_write does not take proto=" + value + "; it takes " + ACCEPTED);
        }
        return found;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static IngestException refused(String message) {
        return new IngestException(415, "wrong_content_type", message);
    }
}
