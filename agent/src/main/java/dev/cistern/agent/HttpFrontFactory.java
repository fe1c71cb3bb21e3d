package dev.cistern.agent;

import dev.cistern.agent.config.ResolvedConfig;
import dev.cistern.agent.config.TlsSettings;
import dev.cistern.agent.http.BearerAuth;
import dev.cistern.agent.http.HttpFront;
import dev.cistern.agent.http.ServerLimits;
import dev.cistern.agent.http.TlsContext;
import dev.cistern.agent.metrics.AgentMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;

/** The HTTP front as the config asks: listen address, limits, bearer token and TLS (PEM or PKCS12, mTLS). */
final class HttpFrontFactory {
    /** The admin listener takes no bodies worth the name: POST /-/reload has none. */
    private static final long ADMIN_MAX_BODY = 64 << 10;

    private HttpFrontFactory() {}

    static HttpFront build(ResolvedConfig config, AgentMetrics metrics) throws IOException {
        return new HttpFront(config.listen(), tls(config.tls()), config.server(), metrics, auth(config));
    }

    /** The admin listener ({@code admin.listen}), with the main one's bearer token, TLS and transport; null when off. */
    static HttpFront admin(ResolvedConfig config, AgentMetrics metrics) throws IOException {
        InetSocketAddress at = config.adminListen();
        if (at == null) return null;
        ServerLimits limits = ServerLimits.defaults(ADMIN_MAX_BODY, 1).on(config.server().transport());
        return new HttpFront(at, tls(config.tls()), limits, metrics, auth(config));
    }

    private static BearerAuth auth(ResolvedConfig config) throws IOException {
        return config.bearerTokenFile() == null ? BearerAuth.none() : BearerAuth.fromFile(config.bearerTokenFile());
    }

    private static TlsContext tls(TlsSettings t) throws IOException {
        if (!t.enabled()) return null;
        return t.certFile() != null
                ? TlsContext.fromPem(t.certFile(), t.keyFile(), t.clientCaFile(), t.reloadInterval())
                : TlsContext.fromPkcs12(t.keystoreFile(), t.keystorePasswordFile(), t.clientCaFile(), t.reloadInterval());
    }
}
