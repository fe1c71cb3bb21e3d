package dev.cistern.agent.reload;

import dev.cistern.agent.http.Exchange;
import dev.cistern.agent.http.HttpException;
import dev.cistern.agent.http.Responses;
import java.nio.charset.StandardCharsets;

/** {@code POST /-/reload} on the admin listener: 200 with what changed, or 400 with why the new config was refused. */
public final class ReloadEndpoint {
    private final ConfigReload reload;

    public ReloadEndpoint(ConfigReload reload) {
        this.reload = reload;
    }

    public int handle(Exchange ex) {
        if (!ex.method().equals("POST") && !ex.method().equals("PUT")) {
            ex.responseHeader("Allow", "POST, PUT");
            throw new HttpException(405, "wrong_method", "use POST (or PUT, as Prometheus takes) for /-/reload");
        }
        ReloadResult r = reload.reload("POST /-/reload");
        return Responses.bytes(ex, r.success() ? 200 : 400, (r.json() + "\n").getBytes(StandardCharsets.UTF_8),
                "application/json");
    }
}
