package dev.cistern.uploader.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP proxy on 127.0.0.1 in front of an HTTP server, for fault injection: it forwards,
 * answers 500 or any status, never answers, or flips one byte of a request body. It records the
 * head (request line and headers) of every request it forwards, and of the first one on each
 * connection otherwise.
 */
public final class FaultyProxy implements AutoCloseable {

    public enum Mode { FORWARD, ERROR_500, HANG, STATUS }

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger corruptions = new AtomicInteger();
    private volatile Mode mode = Mode.FORWARD;
    private volatile int status = 500;
    private volatile String statusBody = "";
    private volatile boolean closed;

    public FaultyProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "faulty-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    public int port() { return server.getLocalPort(); }
    public String endpoint() { return "http://127.0.0.1:" + port(); }
    /** Switches mode; open connections are closed so that the next request sees the new mode. */
    public void mode(Mode m) {
        this.mode = m;
        dropConnections();
    }

    private void dropConnections() {
        for (Socket s : sockets) {
            try { s.close(); } catch (IOException ignored) { }
        }
        sockets.clear();
    }

    /** Answers every request with this status and body (e.g. 403 and an S3 error document). */
    public void answer(int status, String body) {
        this.status = status;
        this.statusBody = body;
        mode(Mode.STATUS);
    }

    /** Forwarding, flips one byte in the body of each of the next {@code n} requests that have one. */
    public void corruptNext(int n) {
        corruptions.set(n);
    }

    public int connections() { return connections.get(); }
    public List<String> heads() { return heads; }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                connections.incrementAndGet();
                Mode m = mode;
                Thread t = new Thread(() -> handle(client, m), "faulty-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) e.printStackTrace();
            }
        }
    }

    private void handle(Socket client, Mode m) {
        try {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            String headText = new String(head, StandardCharsets.ISO_8859_1);
            heads.add(headText);
            switch (m) {
                case HANG -> {
                    // read and discard whatever comes, never answer
                    byte[] buf = new byte[8192];
                    while (in.read(buf) >= 0) { /* swallow */ }
                }
                case ERROR_500, STATUS -> {
                    // with "Expect: 100-continue" the final status goes out before any body is sent
                    if (header(headText, "Expect") == null) drainBody(in, headText);
                    int code = m == Mode.ERROR_500 ? 500 : status;
                    String body = m == Mode.ERROR_500
                            ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code><Message>injected</Message></Error>"
                            : statusBody;
                    byte[] b = body.getBytes(StandardCharsets.UTF_8);
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 " + code + " Injected\r\nContent-Type: application/xml\r\nContent-Length: " + b.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(b);
                    out.flush();
                    client.close();
                }
                case FORWARD -> forward(client, in, head);
            }
        } catch (IOException e) {
            // the client went away: nothing to do
        } finally {
            try { client.close(); } catch (IOException ignored) { }
        }
    }

    /** Forwards request by request (so each head is recorded), flipping a body byte while corruptions are left. */
    private void forward(Socket client, InputStream in, byte[] head) throws IOException {
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
            sockets.add(upstream);
            Thread back = new Thread(() -> copy(upstream, client), "faulty-proxy-back");
            back.setDaemon(true);
            back.start();
            OutputStream up = upstream.getOutputStream();
            byte[] buf = new byte[65536];
            while (head != null) {
                String text = new String(head, StandardCharsets.ISO_8859_1);
                up.write(head);
                up.flush();
                if ("chunked".equalsIgnoreCase(header(text, "Transfer-Encoding"))) {
                    in.transferTo(up); // cannot frame it: pass the rest through as it comes
                    break;
                }
                String cl = header(text, "Content-Length");
                long left = cl == null ? 0 : Long.parseLong(cl);
                long flipAt = left > 0 && corruptions.getAndDecrement() > 0 ? Math.min(20_000, left / 2) : -1;
                long at = 0;
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) throw new IOException("client closed mid-body");
                    if (flipAt >= at && flipAt < at + n) buf[(int) (flipAt - at)] ^= 0x01;
                    at += n;
                    left -= n;
                    up.write(buf, 0, n);
                    up.flush();
                }
                head = readHeadOrNull(in);
                if (head != null) heads.add(new String(head, StandardCharsets.ISO_8859_1));
            }
            upstream.shutdownOutput();
            try { back.join(10_000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }
    }

    private static byte[] readHeadOrNull(InputStream in) throws IOException {
        try {
            return readHead(in);
        } catch (EOFException e) {
            return null;
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException ignored) {
            // either side closed
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                if (b.size() == 0) throw new EOFException("connection closed");
                throw new IOException("closed before the end of the request head");
            }
            b.write(c);
            matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return b.toByteArray();
    }

    private static void drainBody(InputStream in, String head) throws IOException {
        long length = 0;
        for (String line : head.split("\r\n")) {
            String l = line.toLowerCase(Locale.ROOT);
            if (l.startsWith("content-length:")) length = Long.parseLong(l.substring(15).trim());
        }
        in.skipNBytes(length);
    }

    /** The value of a header in a recorded head, or null. */
    public static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) return line.substring(colon + 1).trim();
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            try { s.close(); } catch (IOException ignored) { }
        }
    }
}
