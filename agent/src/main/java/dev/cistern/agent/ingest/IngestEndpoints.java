package dev.cistern.agent.ingest;

import dev.cistern.agent.http.Exchange;
import dev.cistern.agent.http.RequestBody;
import dev.cistern.agent.http.Responses;
import dev.cistern.agent.journal.EntryTooLargeException;
import dev.cistern.agent.journal.Journal;
import dev.cistern.agent.journal.JournalEntry;
import dev.cistern.agent.journal.JournalFullException;
import dev.cistern.agent.journal.JournalLag;
import dev.cistern.agent.metrics.AgentMetrics;
import dev.cistern.agent.ndjson.EventTimeCheck;
import dev.cistern.agent.ndjson.EventTimes;
import dev.cistern.agent.ndjson.InvalidNdjsonException;
import dev.cistern.agent.ndjson.NdjsonBody;
import dev.cistern.agent.ndjson.StreamAdmission;
import dev.cistern.agent.remotewrite.DecodedRequest;
import dev.cistern.agent.remotewrite.InvalidWriteRequestException;
import dev.cistern.agent.remotewrite.RemoteWriteDecoder;
import dev.cistern.agent.remotewrite.RemoteWriteHandoff;
import dev.cistern.agent.remotewrite.RemoteWriteRules;
import dev.cistern.agent.supervise.Supervisor;
import dev.cistern.spool.StreamName;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The two ingest endpoints. A request is validated whole, then appended to the journal as one
 * entry, then acknowledged with 204: a 4xx means nothing of it was written.
 */
public final class IngestEndpoints {
    private final Journal journal;
    private final RemoteWriteHandoff handoff;
    private final JournalLag lag;
    private final AgentMetrics metrics;
    private final long maxBodyBytes;
    private volatile LagLimits lagLimits; // journal.max_lag_bytes, .pace_above_bytes and the rules change on a reload
    private final IngestPacing pacing;
    private final SpaceGuard space;
    private volatile Rules rules;
    private final Supervisor supervisor;
    private final StreamAdmission streams = new StreamAdmission();
    // The journal keeps the snappy body; the decompressed one is decoded and dropped: each HTTP thread reuses a
    // buffer, and keeps it only when small (what a request decodes is charged to the in-flight budget, see Exchange.charge)
    private static final int KEEP_DECODE_BUFFER_BYTES = 1 << 20;
    private final ThreadLocal<byte[]> decodeBuffer = ThreadLocal.withInitial(() -> new byte[1 << 20]);

    /** The content rules: remote_write's, how deep an NDJSON line may nest, and where each stream's rows carry their time. */
    public record Rules(RemoteWriteRules remoteWrite, int ndjsonMaxDepth, StreamAdmission.Limit ndjsonStreams, EventTimes eventTimes) {
        public static final Rules DEFAULT = new Rules(RemoteWriteRules.DEFAULT, 64, StreamAdmission.Limit.DEFAULT, EventTimes.DEFAULT);
    }

    /** The journal lag above which requests are refused (503) and above which they wait for the lanes first. */
    public record LagLimits(long refuseAbove, long paceAbove) {}

    /** {@code handoff} decodes remote_write bodies and hands their rows to the lanes that write the journal into the spool. */
    public IngestEndpoints(Journal journal, RemoteWriteHandoff handoff, JournalLag lag, AgentMetrics metrics, long maxBodyBytes,
                           LagLimits lagLimits, SpaceGuard space, Rules rules, Supervisor supervisor) {
        this.rules = rules;
        this.supervisor = supervisor;
        this.journal = journal;
        this.handoff = handoff;
        this.space = space;
        this.lag = lag;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.lagLimits = lagLimits;
        this.pacing = new IngestPacing(lag::pendingBytes, IngestPacing.MAX_WAIT_NANOS, metrics::paced);
        EventTimes times = rules.eventTimes(); // the streams configured by name are counted from zero, so alerts see the first
        times.streams().forEach(stream -> metrics.eventTimeUnparsable(stream, times.of(stream).onUnparsable().configName(), 0));
    }

    /** A config reload: the content rules and the lag limits for requests from now on (each request reads them once). */
    public void live(Rules rules, LagLimits lagLimits) {
        this.rules = rules;
        this.lagLimits = lagLimits;
        lag.paceAt(lagLimits.paceAbove()); // adaptive quality reads the same mark
    }

    /** {@code POST /api/v1/write}: Prometheus remote_write 1.0. */
    public int remoteWrite(Exchange ex) throws IOException {
        requirePost(ex);
        written(ex, 0, 0, 0); // the spec wants the counts on every answer: nothing until the append
        RemoteWriteProtocol protocol = RemoteWriteProtocol.of(ex.header("Content-Type"));
        String enc = header(ex, "Content-Encoding");
        if (!enc.equals("snappy")) {
            throw new IngestException(415, "wrong_content_encoding", "remote_write needs Content-Encoding snappy, got '" + enc + "'");
        }
        checkBackpressure();
        byte[] body = RequestBody.read(ex, maxBodyBytes);
        DecodedRequest rows = decode(ex, body, protocol);
        long samples = rows.sampleCount();
        if (space.dropNewest()) {
            metrics.rowsDropped("overflow_drop_newest", samples + rows.extras().size()); // histograms, exemplars, metadata too
            space.droppedNewest(rows);
            return Responses.empty(ex, 204);
        }
        rows.dropped().forEach((rule, n) -> metrics.rowsDropped(rule.reason(), n));
        // what the drop policies took out is not journaled: a replay writes what the first pass did
        byte[] journaled = rows.rewrittenBody() != null ? rows.rewrittenBody() : body;
        long index = append(protocol == RemoteWriteProtocol.V2 ? JournalEntry.Kind.REMOTE_WRITE_V2 : JournalEntry.Kind.REMOTE_WRITE,
                "", journaled);
        handoff.offer(index, rows);
        journal.readySignal().signal(); // after the hand-over: a lane woken before it would decode the body again
        metrics.samplesAccepted(samples);
        written(ex, samples, rows.histograms(), rows.exemplars());
        return Responses.empty(ex, 204);
    }

    /** The Remote-Write 2.0 response headers: what of the request is durably taken (after the drop policies). */
    private static void written(Exchange ex, long samples, long histograms, long exemplars) {
        ex.responseHeader("X-Prometheus-Remote-Write-Samples-Written", Long.toString(samples));
        ex.responseHeader("X-Prometheus-Remote-Write-Histograms-Written", Long.toString(histograms));
        ex.responseHeader("X-Prometheus-Remote-Write-Exemplars-Written", Long.toString(exemplars));
    }

    /** Decompresses and validates a remote_write body whole, and decodes its rows. */
    private DecodedRequest decode(Exchange ex, byte[] body, RemoteWriteProtocol protocol) {
        try {
            RemoteWriteDecoder.Decoded raw = RemoteWriteDecoder.decompress(body, body.length, maxBodyBytes, decodeBuffer.get(),
                    ex::charge);
            if (raw.bytes().length <= KEEP_DECODE_BUFFER_BYTES) decodeBuffer.set(raw.bytes());
            RemoteWriteRules rw = rules.remoteWrite();
            RemoteWriteRules.Limits limits = rw.limitsAt(System.currentTimeMillis());
            // the decompressed body and the rows are charged to the in-flight budget either way; 1.0's rows as they grow too
            return protocol == RemoteWriteProtocol.V2 ? handoff.decodeV2(raw.bytes(), raw.length(), rw, limits, ex::charge)
                    : handoff.decode(raw.bytes(), raw.length(), rw, limits, ex::charge);
        } catch (InvalidWriteRequestException e) {
            throw IngestException.of(e);
        }
    }

    /** {@code POST /api/v1/ingest?stream=NAME}: NDJSON, optionally gzip-compressed. */
    public int ndjson(Exchange ex) throws IOException {
        requirePost(ex);
        String stream = queryParam(ex.rawQuery(), "stream");
        if (stream == null) throw IngestException.badRequest("bad_stream", "missing ?stream=NAME");
        if (!StreamName.isValid(stream)) {
            throw IngestException.badRequest("bad_stream", "invalid stream name: use 1-64 of lowercase letters, digits, '-', '_'");
        }
        if (!streams.admit(stream, rules.ndjsonStreams())) {
            throw new IngestException(429, "too_many_streams", "stream '" + stream + "' would be one more than ingest.ndjson.max_streams ("
                    + rules.ndjsonStreams().max() + ") names not in the configuration: write to a stream already in use, or raise the key");
        }
        String type = header(ex, "Content-Type");
        if (!(type.startsWith("application/x-ndjson") || type.startsWith("application/ndjson")
                || type.startsWith("application/jsonl") || type.startsWith("application/json"))) {
            throw new IngestException(415, "wrong_content_type",
                    "NDJSON ingest needs Content-Type application/x-ndjson, got '" + type + "'");
        }
        String enc = header(ex, "Content-Encoding");
        if (!enc.isEmpty() && !enc.equals("gzip") && !enc.equals("identity")) {
            throw new IngestException(415, "wrong_content_encoding", "Content-Encoding must be gzip or absent, got '" + enc + "'");
        }
        checkBackpressure();
        byte[] body = RequestBody.read(ex, maxBodyBytes);
        if (enc.equals("gzip")) body = gunzip(ex, body);
        EventTimeCheck times = new EventTimeCheck(rules.eventTimes().of(stream), body);
        long rows = validateLines(stream, body, times);
        if (rows == 0) throw IngestException.badRequest("empty", "no rows in the body");
        if (space.dropNewest()) {
            metrics.rowsDropped("overflow_drop_newest", rows);
            space.droppedNewest(stream, body, rows, times.time());
        } else {
            append(JournalEntry.Kind.NDJSON, stream, body);
            journal.readySignal().signal();
            metrics.ndjsonRowsAccepted(rows);
        }
        if (times.unparsable() > 0) metrics.eventTimeUnparsable(stream, times.time().onUnparsable().configName(), times.unparsable());
        return Responses.empty(ex, 204);
    }

    private long append(JournalEntry.Kind kind, String stream, byte[] body) {
        space.checkRoomFor(body.length);
        long index;
        try {
            index = journal.append(kind, stream, body, 0, body.length);
        } catch (JournalFullException e) {
            throw new IngestException(503, "disk_full", e.getMessage() + "; retry later");
        } catch (EntryTooLargeException e) {
            throw IngestException.tooLarge(e.getMessage());
        } catch (RuntimeException | InternalError e) {
            // InternalError: the JVM's answer to a fault in a memory-mapped write, such as a full disk
            throw new IngestException(503, "journal_unavailable", "could not write the journal: " + e.getMessage());
        }
        lag.appended(body.length);
        return index;
    }

    /**
     * Refuses at once what cannot be taken; past the pace mark, waits for the lanes first (and checks again, as the
     * wait may end at its limit rather than below the mark).
     */
    private void checkBackpressure() {
        refuseIfBlocked();
        if (pacing.awaitRoom(lagLimits.paceAbove()) > 0) refuseIfBlocked();
    }

    private void refuseIfBlocked() {
        String notSealing = supervisor.cause();
        if (notSealing != null) { // docs/architecture.md, "Supervision": refuse from the moment it cannot seal
            throw new IngestException(503, "not_sealing", "not acknowledging: " + notSealing + " (see /healthz); retry later");
        }
        space.checkNotBlocked();
        long limit = lagLimits.refuseAbove();
        if (lag.pendingBytes() > limit) {
            throw new IngestException(503, "backpressure", "journal holds " + lag.pendingBytes()
                    + " bytes not yet sealed (limit " + limit + "); retry later");
        }
    }

    /** Validates every non-blank line as one JSON object, and its event time; returns the row count. */
    private long validateLines(String stream, byte[] body, EventTimeCheck times) throws IOException {
        try {
            return NdjsonBody.validateLines(body, rules.ndjsonMaxDepth(), times.time(), times);
        } catch (InvalidNdjsonException e) {
            // under reject, the row that refused the request; under arrival, nothing was stored
            if (e.reason().equals(EventTimeCheck.REFUSED)) metrics.eventTimeUnparsable(stream, "reject", 1);
            throw IngestException.badRequest(e.reason(), e.getMessage());
        }
    }

    /** Inflates a gzip body within the body limit, charging the in-flight budget as its buffer grows. */
    private byte[] gunzip(Exchange ex, byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            int cap = (int) Math.min(maxBodyBytes + 1, Math.max(8192, 4L * body.length));
            ex.charge(cap);
            byte[] out = new byte[cap];
            int n = 0;
            while (true) {
                if (n == out.length) {
                    if (out.length > maxBodyBytes) {
                        throw IngestException.tooLarge("decompressed body is over the limit of " + maxBodyBytes + " bytes");
                    }
                    int grown = (int) Math.min(maxBodyBytes + 1, 2L * out.length);
                    ex.charge(grown);
                    out = Arrays.copyOf(out, grown);
                }
                int r = in.read(out, n, out.length - n);
                if (r < 0) break;
                n += r;
            }
            ex.charge(n);
            return Arrays.copyOf(out, n);
        } catch (ZipException | EOFException e) {
            throw IngestException.badRequest("malformed_gzip", "body is not valid gzip: " + e.getMessage());
        }
    }

    private static void requirePost(Exchange ex) {
        if (!ex.method().equals("POST")) {
            ex.responseHeader("Allow", "POST");
            throw new IngestException(405, "wrong_method", "use POST");
        }
    }

    private static String header(Exchange ex, String name) {
        String v = ex.header(name);
        return v == null ? "" : v.strip().toLowerCase(Locale.ROOT);
    }

    static String queryParam(String rawQuery, String name) {
        if (rawQuery == null) return null;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
        return null;
    }
}
