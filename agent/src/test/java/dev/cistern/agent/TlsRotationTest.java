package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.config.ConfigLoader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, 4: TLS from PEM files (PKCS#1 and PKCS#8 keys), client certificates checked against a CA
 * bundle (mTLS), and certificate and bearer token rotated under a running agent without a restart.
 */
class TlsRotationTest {
    @TempDir Path dir;

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    /** A CA, and a server certificate for localhost named {@code cn}, signed by it; {@code pkcs1} picks the key's PEM form. */
    private void serverCert(String cn, boolean pkcs1) throws Exception {
        openssl("genrsa", pkcs1 ? "-traditional" : "-verbose", "-out", cn + ".key", "2048");
        openssl("req", "-new", "-key", cn + ".key", "-subj", "/CN=" + cn, "-out", cn + ".csr");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl("x509", "-req", "-in", cn + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", "san.ext", "-out", cn + ".pem");
    }

    private void ca() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-subj", "/CN=test-ca", "-days", "2",
                "-out", "ca.pem");
    }

    private static void swapIn(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling(to.getFileName() + ".new");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void pemCertificateAndTokenAreRotatedWithoutARestart() throws Exception {
        ca();
        serverCert("first", true);
        serverCert("second", false);
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Path token = dir.resolve("token");
        swapIn(dir.resolve("first.pem"), cert);
        swapIn(dir.resolve("first.key"), key);
        Files.writeString(token, "one\n");
        var cfg = ConfigLoader.load(null, Map.of("CISTERN_TLS__CERT_FILE", cert.toString(), "CISTERN_TLS__KEY_FILE", key.toString(),
                "CISTERN_TLS__RELOAD_INTERVAL", "200ms", "CISTERN_AUTH__BEARER_TOKEN_FILE", token.toString()),
                Map.of("data_dir", dir.resolve("data").toString(), "listen", "127.0.0.1:0", "upload.to", ""));
        try (Agent agent = Agent.start(cfg)) {
            int port = agent.address().getPort();
            assertEquals("CN=first", get(port, null, null).server);
            assertEquals(401, post(port, "Bearer two"));
            assertEquals(204, post(port, "Bearer one"));
            swapIn(dir.resolve("second.pem"), cert);
            swapIn(dir.resolve("second.key"), key);
            Files.writeString(dir.resolve("token.new"), "two\n");
            Files.move(dir.resolve("token.new"), token, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            String seen = "";
            for (int i = 0; i < 50 && !seen.equals("CN=second"); i++) {
                Thread.sleep(100);
                seen = get(port, null, null).server;
            }
            assertEquals("CN=second", seen, "the renewed certificate was not picked up");
            int status = 0;
            for (int i = 0; i < 50 && status != 204; i++) {
                Thread.sleep(100);
                status = post(port, "Bearer two");
            }
            assertEquals(204, status, "the rotated token was not picked up");
            assertEquals(401, post(port, "Bearer one"));
            // a half-written certificate and an emptied token file are warned about; what is in use is kept
            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\ngarbage\n");
            Files.writeString(token, "");
            Thread.sleep(2_500); // past both recheck intervals
            assertEquals("CN=second", get(port, null, null).server, "a garbage certificate file replaced the one in use");
            assertEquals(204, post(port, "Bearer two"), "an empty token file replaced the token in use");
        }
    }

    @Test
    void clientCertificatesAreRequiredWhenAClientCaIsSet() throws Exception {
        ca();
        serverCert("server", false);
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-subj", "/CN=client", "-out", "client.csr");
        openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-out", "client.pem");
        openssl("pkcs12", "-export", "-in", "client.pem", "-inkey", "client.key", "-passout", "pass:x", "-out", "client.p12");
        var cfg = ConfigLoader.load(null, Map.of("CISTERN_TLS__CERT_FILE", dir.resolve("server.pem").toString(),
                "CISTERN_TLS__KEY_FILE", dir.resolve("server.key").toString(), "CISTERN_TLS__CLIENT_CA_FILE",
                dir.resolve("ca.pem").toString()), Map.of("data_dir", dir.resolve("data").toString(), "listen", "127.0.0.1:0",
                "upload.to", ""));
        try (Agent agent = Agent.start(cfg)) {
            int port = agent.address().getPort();
            assertEquals(-1, get(port, null, null).status, "a client without a certificate was served");
            assertEquals(200, get(port, dir.resolve("client.p12"), null).status);
        }
    }

    record Answer(String server, int status) {}

    /** One fresh connection (so a fresh handshake): the server certificate's subject and the status of GET /healthz. */
    private static Answer get(int port, Path clientP12, String authorization) throws Exception {
        return exchange(port, clientP12, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "Connection: close\r\n\r\n");
    }

    private static int post(int port, String authorization) throws Exception {
        String body = "{\"name\":\"m\",\"value\":1}\n";
        return exchange(port, null, "POST /api/v1/ingest?stream=s HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + authorization
                + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
                + body).status;
    }

    private static Answer exchange(int port, Path clientP12, String request) throws Exception {
        KeyManager[] km = null;
        if (clientP12 != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(clientP12)) {
                ks.load(in, "x".toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "x".toCharArray());
            km = kmf.getKeyManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(km, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {}
            public void checkServerTrusted(X509Certificate[] c, String a) {}
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            String server;
            try {
                s.startHandshake();
                server = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
                s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                if (status == null) return new Answer(server, -1);
                return new Answer(server, Integer.parseInt(status.split(" ")[1]));
            } catch (IOException e) {
                return new Answer("", -1); // the handshake or the first read failed
            }
        }
    }
}
