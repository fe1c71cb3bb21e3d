package dev.cistern.agent.http;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.Locale;

/**
 * Netty's transport under the HTTP front ({@code server.transport}). epoll's native library ships for Linux x86_64 and
 * aarch64 and costs less CPU a request than NIO's selector (docs/benchmarks.md); elsewhere, or where it does not load
 * (a noexec temp directory, an old kernel), {@link #AUTO} runs on NIO, which behaves the same, only a little slower.
 */
public enum Transport {
    /** epoll where it loads, else NIO. */
    AUTO,
    /** epoll, or the agent does not start. */
    EPOLL,
    /** The JDK's selector, on every platform. */
    NIO;

    /** AUTO, EPOLL or NIO by name, in any case; null for another word. */
    public static Transport named(String name) {
        for (Transport t : values()) {
            if (t.name().equals(name.trim().toUpperCase(Locale.ROOT))) return t;
        }
        return null;
    }

    /** Why epoll does not load here, or null when it does. */
    public static String epollUnavailable() {
        if (Epoll.isAvailable()) return null;
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? "unknown reason" : cause.toString();
    }

    /** What runs here: AUTO becomes EPOLL or NIO. EPOLL that does not load is refused earlier, by the config check. */
    public Transport inForce() {
        if (this == AUTO) return epollUnavailable() == null ? EPOLL : NIO;
        return this;
    }

    IoHandlerFactory ioHandlers() {
        return inForce() == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    Class<? extends ServerChannel> serverChannel() {
        return inForce() == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The label value of {@code cistern_http_transport_info}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
