package dev.cistern.agent.http;

import dev.cistern.agent.supervise.TestFault;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads one request at a time on a connection: checks what the headers alone decide (route, auth, the
 * declared size, room in the queue and in the in-flight byte budget) before any body is read, collects the
 * body into one array, and hands the whole request to {@link Serving}. Everything here runs on the event loop.
 */
final class RequestReader extends ChannelInboundHandlerAdapter {
    private enum State { AWAIT, BODY, DISCARD, BUSY, CLOSED }

    private final Serving serving;
    private final ReadTimer timer;
    private State state = State.AWAIT;
    private HttpRequest request;
    private Route route;
    private String path;
    private byte[] body;
    private int filled;
    private long reserved;
    private long discarded;
    private boolean keepAlive;

    RequestReader(Serving serving, ReadTimer timer) {
        this.serving = serving;
        this.timer = timer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (state == State.CLOSED) return;
            if (msg instanceof HttpRequest r) onHeaders(ctx, r);
            if (msg instanceof HttpContent c && state != State.CLOSED && state != State.BUSY) onContent(ctx, c);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHeaders(ChannelHandlerContext ctx, HttpRequest r) {
        if (state == State.BUSY) {
            // pipelined before the previous answer: not served; the connection closes after that answer, and clients retry
            ClientErrors.log(ctx.channel().remoteAddress() + " pipelined a request (not supported): closing after the current answer");
            keepAlive = false;
            return;
        }
        if (r.decoderResult().isFailure()) {
            malformed(ctx, r.decoderResult());
            return;
        }
        request = r;
        keepAlive = HttpUtil.isKeepAlive(r);
        path = new QueryStringDecoder(r.uri()).path();
        route = serving.route(path);
        Serving.Refusal refusal = serving.refusal(route, r);
        if (refusal != null) {
            refuse(ctx, refusal);
            return;
        }
        long declared = HttpUtil.getContentLength(r, -1L);
        long max = serving.limits().maxBodyBytes();
        if (declared > max) {
            serving.rejected(route, "too_large");
            refuseAndClose(ctx, 413, "too_large", "body of " + declared + " bytes is over the limit of " + max);
            return;
        }
        if (route.ingest() && !serving.queueHasRoom()) {
            serving.rejected(route, "overloaded");
            refuse(ctx, Serving.OVERLOADED);
            return;
        }
        reserved = Math.max(0, declared);
        if (!serving.budget().tryReserve(reserved)) {
            reserved = 0;
            serving.rejected(route, "inflight_bytes");
            refuse(ctx, Serving.OVERLOADED_BYTES);
            return;
        }
        body = new byte[(int) Math.max(0, declared)];
        filled = 0;
        if (HttpUtil.is100ContinueExpected(r)) serving.continue100(ctx);
        state = State.BODY;
        timer.bodyStarted();
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent c) {
        if (c.decoderResult().isFailure()) {
            if (state == State.BODY || state == State.DISCARD) incomplete(ctx);
            else malformed(ctx, c.decoderResult());
            return;
        }
        ByteBuf b = c.content();
        if (state == State.DISCARD) {
            discarded += b.readableBytes();
            if (discarded > serving.limits().maxBodyBytes()) closeNow(ctx);
            else if (c instanceof LastHttpContent) awaitNext(ctx);
            return;
        }
        if (state != State.BODY) return;
        TestFault.onEventLoop();
        int n = b.readableBytes();
        if (filled + (long) n > body.length && !grow(ctx, n)) return;
        b.readBytes(body, filled, n);
        filled += n;
        if (c instanceof LastHttpContent) {
            state = State.BUSY;
            timer.busy();
            ctx.channel().config().setAutoRead(false);
            byte[] whole = filled == body.length ? body : Arrays.copyOf(body, filled);
            body = null;
            serving.serve(ctx, this, route, new Exchange(request, path, whole, serving.budget()), keepAlive);
        }
    }

    /** A chunked body (no Content-Length) grows within the body limit and the in-flight budget. */
    private boolean grow(ChannelHandlerContext ctx, int n) {
        long need = filled + (long) n;
        long max = serving.limits().maxBodyBytes();
        if (need > max) {
            serving.rejected(route, "too_large");
            refuseAndClose(ctx, 413, "too_large", "body is over the limit of " + max + " bytes");
            return false;
        }
        long size = Math.min(max, Math.max(need, Math.max(8192, (long) body.length * 2)));
        if (!serving.budget().tryReserve(size - reserved)) {
            serving.rejected(route, "inflight_bytes");
            refuseAndClose(ctx, 503, "inflight_bytes", Serving.OVERLOADED_BYTES.message());
            return false;
        }
        reserved = size;
        body = Arrays.copyOf(body, (int) size);
        return true;
    }

    /** Called on the event loop once the answer to the current request is written. */
    void answered(ChannelHandlerContext ctx, boolean open) {
        release();
        if (!open || !keepAlive) {
            closeNow(ctx);
            return;
        }
        awaitNext(ctx);
        ctx.channel().config().setAutoRead(true);
    }

    private void awaitNext(ChannelHandlerContext ctx) {
        state = State.AWAIT;
        request = null;
        route = null;
        discarded = 0;
        timer.awaitNext();
    }

    /** Answers a refusal the headers decided, and reads (without keeping) what is left of the body. */
    private void refuse(ChannelHandlerContext ctx, Serving.Refusal refusal) {
        if (HttpUtil.is100ContinueExpected(request)) { // the client waits for a 100 that will not come
            refuseAndClose(ctx, refusal.status(), refusal.reason(), refusal.message());
            return;
        }
        state = State.DISCARD;
        discarded = 0;
        timer.bodyStarted();
        serving.answer(ctx, route, request, refusal, keepAlive);
    }

    /** Answers and closes without reading more: the body is not wanted, or the stream is no longer HTTP. */
    private void refuseAndClose(ChannelHandlerContext ctx, int status, String reason, String message) {
        state = State.CLOSED;
        release();
        timer.busy();
        serving.answerAndClose(ctx, route, request, new Serving.Refusal(status, reason, message));
    }

    private void malformed(ChannelHandlerContext ctx, DecoderResult result) {
        Throwable cause = result.cause();
        int status = cause instanceof TooLongFrameException ? 431 : 400;
        String what = cause == null ? "malformed request" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        ClientErrors.log(ctx.channel().remoteAddress() + " sent a malformed request (" + what + ")");
        refuseAndClose(ctx, status, "malformed_request", "malformed HTTP request: " + what);
    }

    /** The client closed its side (or the stream ended) before the body was whole: 400, as Prometheus answers. */
    private void incomplete(ChannelHandlerContext ctx) {
        if (state == State.BODY) {
            serving.rejected(route, "incomplete_body");
            ClientErrors.log(ctx.channel().remoteAddress() + " ended its body after " + filled + " of " + body.length + " bytes");
            refuseAndClose(ctx, 400, "incomplete_body", "body ended after " + filled + " bytes, before its Content-Length");
        } else {
            closeNow(ctx);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (state == State.BODY) incomplete(ctx);
            else if (state == State.BUSY) keepAlive = false;
            else if (state != State.CLOSED) closeNow(ctx);
        } else if (evt instanceof ReadTimer.ReadTimeout t) {
            timedOut(ctx, t);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    private void timedOut(ChannelHandlerContext ctx, ReadTimer.ReadTimeout t) {
        if (state == State.BUSY || state == State.CLOSED) return;
        if (t.nothingReceived()) {
            closeNow(ctx);
            return;
        }
        String what = t.body() ? "body arrived slower than " + serving.limits().bodyMinRate() + " bytes/s"
                : "request headers not received within " + serving.limits().headerTimeout().toSeconds() + "s";
        ClientErrors.log(ctx.channel().remoteAddress() + ": " + what);
        if (t.body() && route != null && state == State.BODY) serving.rejected(route, "timeout");
        refuseAndClose(ctx, 408, "timeout", what);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == State.BODY) {
            serving.rejected(route, "client_aborted");
            ClientErrors.log(ctx.channel().remoteAddress() + " went away after " + filled + " body bytes");
        }
        if (state != State.BUSY) release(); // a request being served releases its bytes when it is answered
        state = State.CLOSED;
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        serving.connectionFailed(ctx, cause);
        if (state == State.BUSY) return;
        if (!(cause instanceof IOException) && (state == State.BODY || state == State.AWAIT && request != null)) {
            // our own fault (an Error here) while a request was read: it gets an answer, not a silent close
            serving.rejected(route, "internal_error");
            refuseAndClose(ctx, 500, "internal_error", "internal error while reading the request: " + cause);
            return;
        }
        closeNow(ctx);
    }

    private void closeNow(ChannelHandlerContext ctx) {
        if (state != State.BUSY) release();
        state = State.CLOSED;
        ctx.close();
    }

    private void release() {
        serving.budget().release(reserved);
        reserved = 0;
        body = null;
    }

    static boolean isHead(HttpRequest r) {
        return r != null && r.method().equals(HttpMethod.HEAD);
    }
}
