package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.http.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: slow, stalled, idle and flooding clients must not take the agent down. In each case a valid
 * write from another client and /healthz are answered within a second, and the abuser is cut off.
 */
class HostileClientsTest {
    private static final String[] TIGHT = {"CISTERN_SERVER__HEADER_TIMEOUT", "1s", "CISTERN_SERVER__BODY_GRACE", "1s",
        "CISTERN_SERVER__IDLE_TIMEOUT", "2s"};
    @TempDir Path dir;

    /** server.transport for these tests: auto (epoll here); {@link HostileClientsNioTest} runs them on NIO. */
    String transport() {
        return "auto";
    }

    private Agent start(String... envPairs) throws Exception {
        String[] pairs = Arrays.copyOf(envPairs, envPairs.length + 2);
        pairs[envPairs.length] = "CISTERN_SERVER__TRANSPORT";
        pairs[envPairs.length + 1] = transport();
        return TestAgents.start(dir.resolve("data"), pairs);
    }

    @Test
    void theTransportAskedIsInForce() throws Exception {
        String expected = Transport.named(transport()).inForce().label();
        if (System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64")) {
            assertEquals(transport().equals("nio") ? "nio" : "epoll", expected, "epoll's native library ships for Linux x86_64: "
                    + Transport.epollUnavailable());
        }
        try (Agent agent = start()) {
            String scrape = agent.metrics().scrape();
            assertTrue(scrape.contains("cistern_http_transport_info{transport=\"" + expected + "\"} 1"), scrape);
            new Probe(agent).warmedUp();
        }
    }

    @Test
    void slowHeadersAreCutOff() throws Exception {
        try (Agent agent = start(TIGHT)) {
            new Probe(agent).warmedUp();
            List<RawHttp> slow = new ArrayList<>();
            for (int i = 0; i < 8; i++) slow.add(new RawHttp(agent.address().getPort()).send("POST /api/v1/write HTTP/1.1\r\nHost: x\r\n"));
            for (int i = 0; i < 4; i++) {
                for (RawHttp s : slow) s.drip("X-Drip-" + i + ": y\r\n"); // a header line now and then, never the end
                new Probe(agent).answersWithinASecond(false);
                Thread.sleep(200);
            }
            for (RawHttp s : slow) {
                assertEquals(408, s.status(3_000), "a client too slow with its headers is answered 408");
                s.close();
            }
        }
    }

    @Test
    void slowBodiesAreCutOff() throws Exception {
        try (Agent agent = start(TIGHT)) {
            new Probe(agent).warmedUp();
            List<RawHttp> slow = new ArrayList<>();
            int port = agent.address().getPort();
            for (int i = 0; i < 8; i++) slow.add(new RawHttp(port).send(RawHttp.post("/api/v1/write", 100_000) + "abc"));
            for (int i = 0; i < 4; i++) {
                for (RawHttp s : slow) s.drip("d"); // a byte every 200 ms, far under the floor rate
                new Probe(agent).answersWithinASecond(false);
                Thread.sleep(200);
            }
            for (RawHttp s : slow) {
                assertEquals(408, s.status(4_000), "a body slower than the floor rate is answered 408");
                s.close();
            }
            assertTrue(agent.metrics().scrape().contains("reason=\"timeout\""));
        }
    }

    @Test
    void hugeContentLengthIsRefusedBeforeTheBody() throws Exception {
        try (Agent agent = start()) {
            new Probe(agent).warmedUp();
            List<RawHttp> huge = new ArrayList<>();
            int port = agent.address().getPort();
            for (int i = 0; i < 8; i++) huge.add(new RawHttp(port).send(RawHttp.post("/api/v1/write", 1L << 30) + "abc"));
            new Probe(agent).answersWithinASecond(false);
            for (RawHttp s : huge) {
                long t0 = System.nanoTime();
                String answer = s.read(1_000);
                assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
                assertTrue(answer.toLowerCase().contains("connection: close"), answer);
                assertTrue((System.nanoTime() - t0) / 1_000_000 < 1_000);
                s.close();
            }
        }
    }

    @Test
    void partialTlsHandshakeIsCutOff() throws Exception {
        Path ks = dir.resolve("server.p12");
        Path pass = dir.resolve("pass");
        Files.writeString(pass, "changeit");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-alias", "cistern", "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2")
                .redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor());
        Map<String, String> env = Map.of("CISTERN_TLS__KEYSTORE_FILE", ks.toString(),
                "CISTERN_TLS__KEYSTORE_PASSWORD_FILE", pass.toString(),
                "CISTERN_SERVER__HEADER_TIMEOUT", "1s", "CISTERN_SERVER__TRANSPORT", transport());
        try (Agent agent = Agent.start(TestAgents.config(dir.resolve("data"), env))) {
            assertTrue(agent.url().startsWith("https://"), agent.url());
            new Probe(agent).warmedUp();
            // a TLS 1.2 record header announcing a 512-byte ClientHello, and only its first bytes
            byte[] half = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03, 1, 2, 3, 4, 5, 6, 7, 8};
            List<RawHttp> stuck = new ArrayList<>();
            for (int i = 0; i < 8; i++) stuck.add(new RawHttp(agent.address().getPort()).send(half));
            new Probe(agent).answersWithinASecond(false);
            for (RawHttp s : stuck) {
                assertTrue(s.closedWithin(4_000), "a stalled handshake is closed after the timeout");
                s.close();
            }
        }
    }

    @Test
    void thousandIdleConnectionsLeaveRoomForOthers() throws Exception {
        try (Agent agent = start()) {
            new Probe(agent).warmedUp();
            List<RawHttp> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 1_000; i++) idle.add(new RawHttp(agent.address().getPort()));
                new Probe(agent).answersWithinASecond(false);
            } finally {
                for (RawHttp s : idle) s.close();
            }
        }
    }

    @Test
    void connectionsOverTheCapAreClosedAtOnce() throws Exception {
        try (Agent agent = start("CISTERN_SERVER__MAX_CONNECTIONS", "4")) {
            List<RawHttp> all = new ArrayList<>();
            for (int i = 0; i < 6; i++) all.add(new RawHttp(agent.address().getPort()));
            int closed = 0;
            for (RawHttp s : all) {
                if (s.closedWithin(500)) closed++;
            }
            assertEquals(2, closed, "the two connections over the cap of 4 are closed at once");
            for (RawHttp s : all) s.close();
            Thread.sleep(100);
            new Probe(agent).answersWithinASecond(false);
        }
    }

    @Test
    void floodPastTheQueueIsAnswered503AtOnce() throws Exception {
        try (Agent agent = start("CISTERN_INGEST__THREADS", "1",
                "CISTERN_SERVER__MAX_QUEUED_REQUESTS", "2")) {
            new Probe(agent).warmedUp();
            byte[] body = RemoteWriteClient.encode(Probe.sample());
            ExecutorService pool = Executors.newFixedThreadPool(64);
            try {
                List<Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < 256; i++) {
                    answers.add(pool.submit(() -> {
                        try (RawHttp c = new RawHttp(agent.address().getPort())) {
                            c.send(RawHttp.post("/api/v1/write", body.length)).send(body);
                            return c.read(5_000);
                        }
                    }));
                }
                new Probe(agent).answersWithinASecond(true);
                int refused = 0;
                for (Future<String> f : answers) {
                    String a = f.get();
                    assertTrue(a.startsWith("HTTP/1.1 204") || a.startsWith("HTTP/1.1 503"), a);
                    if (a.startsWith("HTTP/1.1 503")) {
                        assertTrue(a.contains("retry-after: 5") || a.contains("Retry-After: 5"), a);
                        refused++;
                    }
                }
                assertTrue(refused > 0, "a flood past a queue of 2 is refused in part");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
