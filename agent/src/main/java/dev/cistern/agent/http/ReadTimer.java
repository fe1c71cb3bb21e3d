package dev.cistern.agent.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Read deadlines for one connection, placed before the HTTP codec so it sees raw bytes: the headers must
 * arrive within the header timeout of the first byte (or of connecting), a kept-alive connection may idle
 * for the idle timeout, and a body must average the floor rate once its grace period is over. A missed
 * deadline fires {@link ReadTimeout} up the pipeline; the request reader answers 408 and closes.
 * All methods run on the connection's event loop.
 */
final class ReadTimer extends ChannelDuplexHandler {
    /** The event a missed deadline fires; {@code body} says which phase was too slow. */
    record ReadTimeout(boolean body, boolean nothingReceived) {}

    private enum Phase { AWAIT_FIRST_BYTE, HEADERS, BODY, BUSY }

    private final ServerLimits limits;
    private Phase phase = Phase.AWAIT_FIRST_BYTE;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private long bytes;
    private long bodyStartNanos;
    private long bodyStartBytes;

    ReadTimer(ServerLimits limits) {
        this.limits = limits;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        arm(limits.headerTimeout().toNanos(), false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            bytes += b.readableBytes();
            if (phase == Phase.AWAIT_FIRST_BYTE && b.isReadable()) {
                phase = Phase.HEADERS;
                arm(limits.headerTimeout().toNanos(), false);
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The request headers are in: from now on the body's rate counts. */
    void bodyStarted() {
        phase = Phase.BODY;
        bodyStartNanos = System.nanoTime();
        bodyStartBytes = bytes;
        arm(limits.bodyGrace().toNanos(), true);
    }

    /** The request is whole and being served: no read deadline until the answer is sent. */
    void busy() {
        phase = Phase.BUSY;
        cancel();
    }

    /** The answer is sent and the connection kept alive: wait for the next request. */
    void awaitNext() {
        phase = Phase.AWAIT_FIRST_BYTE;
        arm(limits.idleTimeout().toNanos(), false);
    }

    private void arm(long nanos, boolean bodyCheck) {
        cancel();
        if (ctx == null) return;
        timer = ctx.executor().schedule(bodyCheck ? this::checkBodyRate : this::expired, nanos, TimeUnit.NANOSECONDS);
    }

    private void expired() {
        if (phase == Phase.BUSY || phase == Phase.BODY) return;
        ctx.fireUserEventTriggered(new ReadTimeout(false, phase == Phase.AWAIT_FIRST_BYTE));
    }

    private void checkBodyRate() {
        if (phase != Phase.BODY) return;
        double seconds = (System.nanoTime() - bodyStartNanos) / 1e9 - limits.bodyGrace().toNanos() / 1e9;
        if (bytes - bodyStartBytes < limits.bodyMinRate() * seconds) {
            ctx.fireUserEventTriggered(new ReadTimeout(true, false));
        } else {
            arm(TimeUnit.SECONDS.toNanos(1), true);
        }
    }

    private void cancel() {
        if (timer != null) timer.cancel(false);
        timer = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }
}
