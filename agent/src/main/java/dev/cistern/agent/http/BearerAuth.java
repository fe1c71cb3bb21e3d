package dev.cistern.agent.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.logging.Logger;

/**
 * Optional bearer-token check. The token file is read again when it changes (checked at most every
 * two seconds, on a request), so a rotated secret takes effect without a restart; a changed file
 * that is empty or unreadable is warned about and the token in use is kept.
 */
public final class BearerAuth {
    private static final Logger LOG = Logger.getLogger(BearerAuth.class.getName());
    private static final long RECHECK_MILLIS = 2_000;

    private final Path file;
    private final FileStamps stamps;
    private volatile byte[] expected;

    private BearerAuth(Path file, byte[] expected) {
        this.file = file;
        this.stamps = file == null ? null : new FileStamps(List.of(file), RECHECK_MILLIS);
        this.expected = expected;
    }

    public static BearerAuth none() {
        return new BearerAuth(null, null);
    }

    public static BearerAuth fromFile(Path tokenFile) throws IOException {
        return new BearerAuth(tokenFile, read(tokenFile));
    }

    private static byte[] read(Path tokenFile) throws IOException {
        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) throw new IOException("bearer token file " + tokenFile + " is empty");
        return token.getBytes(StandardCharsets.UTF_8);
    }

    public boolean enabled() {
        return expected != null;
    }

    /** True when auth is off or the header is {@code Bearer TOKEN}; the scheme is case-insensitive (RFC 7235). */
    boolean allows(String authorization) {
        if (file == null) return true;
        if (stamps.changed()) reload();
        if (authorization == null) return false;
        String h = authorization.strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        // constant-time comparison: the check must not leak how much of the token matched
        return MessageDigest.isEqual(expected, h.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    private void reload() {
        try {
            expected = read(file);
            LOG.info("bearer token reloaded from " + file);
        } catch (IOException e) {
            LOG.warning("bearer token file " + file + " changed but cannot be used (" + e.getMessage() + "); the token in use is kept");
        }
    }
}
