package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10: aborted and short bodies, half-closes, HEAD and unknown methods are 4xx, never 500, with no stack trace logged. */
class ClientMistakesTest {
    @TempDir Path dir;
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Level before;

    /** server.transport for these tests: auto (epoll here); {@link ClientMistakesNioTest} runs them on NIO. */
    String transport() {
        return "auto";
    }

    private Agent start(Path data, String... envPairs) throws Exception {
        String[] pairs = Arrays.copyOf(envPairs, envPairs.length + 2);
        pairs[envPairs.length] = "CISTERN_SERVER__TRANSPORT";
        pairs[envPairs.length + 1] = transport();
        return TestAgents.start(data, pairs);
    }

    @BeforeEach
    void captureLog() {
        before = Logger.getLogger("dev.cistern.agent.http").getLevel();
        Logger.getLogger("dev.cistern.agent.http").setLevel(Level.INFO);
        root.addHandler(capture);
    }

    @AfterEach
    void release() {
        root.removeHandler(capture);
        Logger.getLogger("dev.cistern.agent.http").setLevel(before);
    }

    @Test
    void mistakesAre4xxWithoutStackTraces() throws Exception {
        Path data = dir.resolve("data");
        try (Agent agent = start(data)) {
            int port = agent.address().getPort();
            try (RawHttp c = new RawHttp(port)) { // a body shorter than its Content-Length, then a half-close
                c.send(RawHttp.post("/api/v1/write", 1000) + "0123456789");
                c.socket.shutdownOutput();
                String a = c.read(10_000);
                assertTrue(a.startsWith("HTTP/1.1 400"), a);
                assertTrue(a.contains("Content-Length"), a);
            }
            for (int i = 0; i < 20; i++) {
                try (RawHttp c = new RawHttp(port)) { // aborted mid-body with a reset
                    c.send(RawHttp.post("/api/v1/write", 1000) + "0123456789");
                    c.socket.setSoLinger(true, 0);
                }
            }
            String head = new RawHttp(port).send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n").read(10_000);
            assertTrue(head.startsWith("HTTP/1.1 200") && head.toLowerCase().contains("content-length: 3"), head);
            assertTrue(head.endsWith("\r\n\r\n"), "HEAD answers without a body: " + head);
            assertEquals(405, new RawHttp(port).send("HEAD /api/v1/write HTTP/1.1\r\nHost: x\r\n\r\n").status(10_000));
            assertEquals(405, new RawHttp(port).send("BREW /api/v1/write HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").status(10_000));
            assertEquals(405, new RawHttp(port).send("BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n").status(10_000));
            assertEquals(400, new RawHttp(port).send("GARBAGE\r\n\r\n").status(10_000));
            assertEquals(400, new RawHttp(port).send("GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n").status(10_000));
            assertEquals(404, new RawHttp(port).send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").status(10_000));
            Thread.sleep(300);
            String metrics = TestAgents.client(agent).get("/metrics").body();
            assertFalse(metrics.contains("status=\"500\""), metrics);
            assertTrue(metrics.contains("reason=\"incomplete_body\""), "short body counted");
        }
        assertEquals(0, Scanner.of(data).page(ScanQuery.all()).total(), "nothing of a mistaken request was written");
        for (LogRecord r : logged) assertEquals(null, r.getThrown(), "no stack trace for a client's mistake: " + r.getMessage());
        long fromFront = logged.stream().filter(r -> r.getLoggerName().startsWith("dev.cistern.agent.http")).count();
        assertTrue(fromFront <= 2, "client mistakes are logged rate-limited, got " + fromFront + " lines");
    }

    /**
     * A request followed at once by a FIN (before any answer) is answered. Pipelined requests are not served (RequestReader):
     * the first is answered, the connection closes, and what was not answered is not written, so a retry cannot duplicate.
     */
    @Test
    void aRequestFollowedByAFinIsAnsweredAndUnansweredOnesAreNotWritten() throws Exception {
        Path data = dir.resolve("data");
        int pipelined;
        try (Agent agent = start(data)) {
            assertEquals(1, answersAfterFin(agent, 1), "one request, then the FIN");
            pipelined = answersAfterFin(agent, 3); // 1 when the decoder saw the next ones while the first was served
            assertTrue(pipelined >= 1, "the first of three pipelined is answered");
        }
        assertEquals(1 + pipelined, Scanner.of(data).page(ScanQuery.all()).total(), "exactly the acknowledged samples");
    }

    private static int answersAfterFin(Agent agent, int requests) throws Exception {
        try (RawHttp c = new RawHttp(agent.address().getPort())) {
            for (int i = 0; i < requests; i++) {
                byte[] body = RemoteWriteClient.encode(Probe.sample());
                c.send(RawHttp.post("/api/v1/write", body.length)).send(body);
            }
            c.socket.shutdownOutput();
            c.socket.setSoTimeout(10_000);
            String answers = new String(c.socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1); // to the close
            assertEquals(answers.split("HTTP/1.1 ", -1).length - 1, answers.split("HTTP/1.1 204", -1).length - 1, answers);
            return answers.split("HTTP/1.1 204", -1).length - 1;
        }
    }

    @Test
    void bearerSchemeIsCaseInsensitive() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "s3cret\n");
        try (Agent agent = start(dir.resolve("data"), "CISTERN_AUTH__BEARER_TOKEN_FILE", token.toString())) {
            byte[] body = RemoteWriteClient.encode(Probe.sample());
            for (String scheme : new String[] {"bearer", "BEARER", "Bearer"}) {
                try (RawHttp c = new RawHttp(agent.address().getPort())) {
                    c.send(withAuth(body.length, scheme + " s3cret")).send(body);
                    assertEquals(204, c.status(10_000), scheme);
                }
            }
            try (RawHttp c = new RawHttp(agent.address().getPort())) {
                c.send(withAuth(body.length, "Basic s3cret")).send(body);
                assertEquals(401, c.status(10_000));
            }
        }
    }

    private static String withAuth(long length, String authorization) {
        return RawHttp.post("/api/v1/write", length).replace("\r\n\r\n", "\r\nAuthorization: " + authorization + "\r\n\r\n");
    }
}
