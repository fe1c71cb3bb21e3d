package dev.cistern.uploader.internal;

import dev.cistern.spool.SpoolEvent;
import dev.cistern.spool.SpoolLayout;
import dev.cistern.uploader.Destination;
import dev.cistern.uploader.UploadItem;
import dev.cistern.uploader.UploadPolicy;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What every part of one uploader shares: the spool, the destination, the policy, where to report, and whether it is closing. */
public final class UploadContext {
    private static final Logger LOG = Logger.getLogger(UploadContext.class.getName());

    private final SpoolLayout layout;
    private final Destination destination;
    private final String destinationName;
    private final UploadPolicy policy;
    private final Telemetry telemetry;
    private final Consumer<SpoolEvent> events;
    private final BooleanSupplier closing;

    public UploadContext(SpoolLayout layout, Destination destination, UploadPolicy policy, Telemetry telemetry,
                         Consumer<SpoolEvent> events, BooleanSupplier closing) {
        this.layout = layout;
        this.destination = destination;
        this.destinationName = destination.name();
        this.policy = policy;
        this.telemetry = telemetry;
        this.events = events;
        this.closing = closing;
    }

    SpoolLayout layout() { return layout; }
    Destination destination() { return destination; }
    String destinationName() { return destinationName; }
    UploadPolicy policy() { return policy; }
    Telemetry telemetry() { return telemetry; }

    boolean closed() {
        return closing.getAsBoolean();
    }

    UploadItem item(Waiting w) {
        return new UploadItem(w.path(), w.name(), destination.keyFor(w.name()), w.bytes(), policy.timeoutFor(w.bytes()));
    }

    /** The key of a file, or "" when the destination cannot say (for a report only). */
    String keyOrEmpty(Waiting w) {
        try {
            return destination.keyFor(w.name());
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** A path as the upload log writes it: relative to the spool, with forward slashes. */
    String relative(Path p) {
        Path r = layout.root().relativize(p.toAbsolutePath().normalize());
        return r.toString().replace('\\', '/');
    }

    void publish(SpoolEvent e) {
        try {
            events.accept(e);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "a spool event subscriber failed on " + e, ex);
        }
    }
}
