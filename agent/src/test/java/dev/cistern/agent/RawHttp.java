package dev.cistern.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A raw client socket for requests no well-behaved client library would send: slow, partial, aborted. */
final class RawHttp implements AutoCloseable {
    final Socket socket;

    RawHttp(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    }

    RawHttp send(String s) throws IOException {
        return send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] b) throws IOException {
        socket.getOutputStream().write(b);
        socket.getOutputStream().flush();
        return this;
    }

    /** Sends a little more, if the server still reads: it may have answered and shut its side already. */
    void drip(String s) {
        try {
            send(s);
        } catch (IOException e) {
            // cut off: the answer is read next
        }
    }

    /** What the server sent within {@code millis} (until it closed or went quiet), as text. */
    String read(int millis) throws IOException {
        socket.setSoTimeout(millis);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long deadline = System.currentTimeMillis() + millis;
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while (System.currentTimeMillis() < deadline && (n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n") && in.available() == 0) {
                    socket.setSoTimeout(100);
                }
            }
        } catch (SocketTimeoutException | SocketException e) {
            // quiet or reset: return what came
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** The status code of the first answer within {@code millis}, or -1 when none came. */
    int status(int millis) throws IOException {
        String r = read(millis);
        return r.startsWith("HTTP/1.1 ") ? Integer.parseInt(r.substring(9, 12)) : -1;
    }

    /** True when the server closed the connection within {@code millis}. */
    boolean closedWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // skip an answer sent before the close
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    static String post(String path, long contentLength) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-protobuf\r\nContent-Encoding: snappy\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n";
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
