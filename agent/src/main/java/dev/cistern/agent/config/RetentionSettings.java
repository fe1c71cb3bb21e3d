package dev.cistern.agent.config;

import dev.cistern.spool.RetentionPolicy;
import java.time.Duration;
import java.util.Locale;

/** The {@code retention} section, checked: limits by age, by the spool's size and by free space, and the overflow policy. */
final class RetentionSettings {
    private RetentionSettings() {}

    static RetentionPolicy of(AgentConfig.Retention r) {
        Duration maxAge = blank(r.maxAge) ? null : Sizes.duration("retention.max_age", r.maxAge);
        long maxTotal = blank(r.maxTotalBytes) ? 0 : Sizes.bytes("retention.max_total_bytes", r.maxTotalBytes);
        long minFree = blank(r.minFreeBytes) ? 0 : Sizes.bytes("retention.min_free_bytes", r.minFreeBytes);
        if (r.minFreePercent < 0 || r.minFreePercent > 99) {
            throw new ConfigException("retention.min_free_percent", "must be 0-99, was " + r.minFreePercent);
        }
        RetentionPolicy.Overflow overflow;
        try {
            overflow = RetentionPolicy.Overflow.valueOf(String.valueOf(r.overflow).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("retention.overflow", "'" + r.overflow + "' is not one of block, drop_oldest, drop_newest");
        }
        if (maxAge != null && maxAge.isZero()) throw new ConfigException("retention.max_age", "must be more than 0, or empty for no limit");
        Duration uploadedMaxAge = blank(r.uploadedMaxAge) ? null : Sizes.duration("retention.uploaded_max_age", r.uploadedMaxAge);
        if (uploadedMaxAge != null && uploadedMaxAge.isZero()) {
            throw new ConfigException("retention.uploaded_max_age", "must be more than 0, or empty to keep uploaded files");
        }
        return new RetentionPolicy(maxAge, maxTotal, minFree, r.minFreePercent, overflow, uploadedMaxAge);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
