package dev.cistern.agent;

import dev.cistern.agent.config.ResolvedConfig;
import dev.cistern.agent.config.TlsSettings;
import dev.cistern.agent.http.BearerAuth;
import dev.cistern.agent.http.HttpFront;
import dev.cistern.agent.http.TlsContext;
import dev.cistern.agent.metrics.AgentMetrics;
import java.io.IOException;

/** The HTTP front as the config asks: listen address, limits, bearer token and TLS (PEM or PKCS12, mTLS). */
final class HttpFrontFactory {
    private HttpFrontFactory() {}

    static HttpFront build(ResolvedConfig config, AgentMetrics metrics) throws IOException {
        BearerAuth auth = config.bearerTokenFile() == null ? BearerAuth.none() : BearerAuth.fromFile(config.bearerTokenFile());
        return new HttpFront(config.listen(), tls(config.tls()), config.server(), metrics, auth);
    }

    private static TlsContext tls(TlsSettings t) throws IOException {
        if (!t.enabled()) return null;
        return t.certFile() != null
                ? TlsContext.fromPem(t.certFile(), t.keyFile(), t.clientCaFile(), t.reloadInterval())
                : TlsContext.fromPkcs12(t.keystoreFile(), t.keystorePasswordFile(), t.clientCaFile(), t.reloadInterval());
    }
}
