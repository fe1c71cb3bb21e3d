package dev.cistern.agent.http;

import com.sun.net.httpserver.HttpExchange;
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
        return new BearerAuth(("Bearer " + token).getBytes(StandardCharsets.UTF_8));
    }

    public boolean enabled() {
        return expected != null;
    }

    boolean allows(HttpExchange ex) {
        if (expected == null) return true;
        String h = ex.getRequestHeaders().getFirst("Authorization");
        // constant-time comparison: the check must not leak how much of the token matched
        return h != null && MessageDigest.isEqual(expected, h.strip().getBytes(StandardCharsets.UTF_8));
    }
}
