package dev.cistern.agent.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/** Optional bearer-token check; the token is read from a file once at start. */
public final class BearerAuth {
    private final byte[] expected;

    private BearerAuth(byte[] expected) {
        this.expected = expected;
    }

    public static BearerAuth none() {
        return new BearerAuth(null);
    }

    public static BearerAuth fromFile(Path tokenFile) throws IOException {
        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) throw new IOException("bearer token file " + tokenFile + " is empty");
        return new BearerAuth(token.getBytes(StandardCharsets.UTF_8));
    }

    public boolean enabled() {
        return expected != null;
    }

    /** True when auth is off or the header is {@code Bearer TOKEN}; the scheme is case-insensitive (RFC 7235). */
    boolean allows(String authorization) {
        if (expected == null) return true;
        if (authorization == null) return false;
        String h = authorization.strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        // constant-time comparison: the check must not leak how much of the token matched
        return MessageDigest.isEqual(expected, h.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }
}
