package dev.cistern.agent.http;

/** The request body, which the front has read within {@link ServerLimits#maxBodyBytes()} before the endpoint runs. */
public final class RequestBody {
    private RequestBody() {}

    /** The whole body; over {@code limit} bytes is a 413. */
    public static byte[] read(Exchange ex, long limit) {
        byte[] body = ex.body();
        if (body.length > limit) throw HttpException.tooLarge("body of " + body.length + " bytes is over the limit of " + limit);
        return body;
    }
}
