package dev.cistern.agent.http;

import dev.cistern.agent.metrics.AgentMetrics;
import io.micrometer.core.instrument.Gauge;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The HTTP front, on Netty (epoll or NIO, see {@link Transport}): a few event loops read requests under the {@link ServerLimits}
 * (connections, header and body deadlines, body size, in-flight bytes) and hand whole requests to a bounded
 * ingest pool or a small ops pool. TLS handshakes run on the event loops with a deadline, never on a worker.
 */
public final class HttpFront implements AutoCloseable {
    /** One HTTP endpoint; returns the status it answered. */
    public interface Endpoint {
        int handle(Exchange ex) throws IOException;
    }

    private static final Logger LOG = Logger.getLogger(HttpFront.class.getName());

    private final InetSocketAddress listen;
    private final TlsContext tls;
    private final ServerLimits limits;
    private final AgentMetrics metrics;
    private final Map<String, Route> routes = new HashMap<>();
    private final ThreadPoolExecutor ingestPool;
    private final ThreadPoolExecutor opsPool;
    private final Serving serving;
    private final AtomicInteger connections = new AtomicInteger();
    private EventLoopGroup boss;
    private EventLoopGroup loops;
    private Channel server;

    /** Binds the port at once (so a busy port fails here); connections are accepted from {@link #start}. */
    public HttpFront(InetSocketAddress listen, TlsContext tls, ServerLimits limits, AgentMetrics metrics, BearerAuth auth)
            throws IOException {
        this.listen = listen;
        this.tls = tls;
        this.limits = limits;
        this.metrics = metrics;
        this.ingestPool = pool("cistern-http-", limits.threads(), limits.queue());
        this.opsPool = pool("cistern-http-ops-", 2, 64);
        this.serving = new Serving(routes, limits, metrics, auth, ingestPool, opsPool);
        metrics.gauge("cistern.http.connections", "open HTTP connections", connections, AtomicInteger::get);
        metrics.gauge("cistern.http.inflight.bytes", "request bytes held (bodies and what they decode to), not yet answered",
                serving.budget(), InflightBudget::used);
        metrics.gauge("cistern.http.inflight.max.bytes", "server.max_inflight_bytes: the most requests may hold at once",
                serving.budget(), InflightBudget::max);
        bind();
    }

    private static ThreadPoolExecutor pool(String prefix, int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory f = r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), f,
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** An endpoint that takes request bodies: needs the bearer token when set, runs on the ingest pool. */
    public void ingest(String path, String name, Endpoint endpoint) {
        routes.put(path, new Route(path, name, true, endpoint));
    }

    /** A health, readiness or metrics endpoint: no token, GET or HEAD, its own pool so it answers under load. */
    public void ops(String path, String name, Endpoint endpoint) {
        routes.put(path, new Route(path, name, false, endpoint));
    }

    public void start() {
        server.config().setAutoRead(true);
    }

    private void bind() throws IOException {
        Transport transport = limits.transport().inForce();
        if (limits.transport() == Transport.AUTO && transport == Transport.NIO) {
            LOG.info("HTTP front on NIO: epoll does not load here (" + Transport.epollUnavailable() + "); listener "
                    + listen.getHostString() + ":" + listen.getPort());
        }
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("cistern-http-accept", true), transport.ioHandlers());
        int n = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        loops = new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory("cistern-http-loop", true), transport.ioHandlers());
        Gauge.builder("cistern.http.transport.info", () -> 1).description("1, labelled with Netty's transport under the HTTP front")
                .tags("transport", transport.label()).register(metrics.registry());
        ServerBootstrap b = new ServerBootstrap().group(boss, loops).channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connection(ch);
                    }
                });
        try {
            server = b.bind(listen).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while binding " + listen, e);
        } catch (Exception e) { // a BindException, thrown unchecked by sync()
            close();
            throw new IOException("cannot listen on " + listen + ": " + e.getMessage(), e);
        }
    }

    /** Sets up one accepted connection, or closes it at once when the connection cap is reached. */
    private void connection(SocketChannel ch) {
        if (connections.incrementAndGet() > limits.maxConnections()) {
            connections.decrementAndGet();
            metrics.rejected("connection", "too_many_connections");
            ClientErrors.log("refused a connection from " + ch.remoteAddress() + ": " + limits.maxConnections() + " are open");
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> connections.decrementAndGet());
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            SslHandler h = new SslHandler(tls.newEngine());
            h.setHandshakeTimeoutMillis(limits.headerTimeout().toMillis());
            p.addLast("tls", h);
        }
        ReadTimer timer = new ReadTimer(limits);
        p.addLast("timer", timer);
        p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(8192).setMaxHeaderSize(16384).setMaxChunkSize(1 << 20)));
        p.addLast("reader", new RequestReader(serving, timer));
    }

    /** The bound address (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server == null ? listen : (InetSocketAddress) server.localAddress();
    }

    public boolean tls() {
        return tls != null;
    }

    /** Stops accepting, lets in-flight requests finish (up to 10 s), then stops. */
    @Override
    public void close() {
        close(System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
    }

    /**
     * Refuses new requests at once (503), lets in-flight ones finish for at most 10 s, and stops by {@code deadlineNanos}
     * (System.nanoTime): the workers are daemon threads, so one stuck in a request does not hold the process.
     */
    public void close(long deadlineNanos) {
        serving.draining = true;
        long inFlightUntil = Math.min(deadlineNanos, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        while (serving.inFlight.get() > 0 && System.nanoTime() < inFlightUntil) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (server != null) server.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        if (loops != null) loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (boss != null) boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        shutdown(ingestPool, deadlineNanos);
        shutdown(opsPool, deadlineNanos);
    }

    private static void shutdown(ExecutorService pool, long deadlineNanos) {
        pool.shutdown();
        try {
            pool.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
