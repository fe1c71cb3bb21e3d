package dev.cistern.agent.http;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/** The CA bundle client certificates must chain to (mTLS), read again when its file changes. */
final class ReloadingTrustManager extends X509ExtendedTrustManager {
    private static final Logger LOG = Logger.getLogger(ReloadingTrustManager.class.getName());

    interface Source {
        X509ExtendedTrustManager load() throws Exception;
    }

    private final Source source;
    private final FileStamps stamps;
    private volatile X509ExtendedTrustManager current;

    ReloadingTrustManager(Source source, FileStamps stamps) throws Exception {
        this.source = source;
        this.stamps = stamps;
        this.current = source.load();
    }

    private X509ExtendedTrustManager current() {
        if (stamps.changed()) {
            try {
                current = source.load();
                LOG.info("TLS client CA bundle reloaded from " + stamps.files());
            } catch (Exception e) {
                LOG.log(Level.WARNING, "TLS client CA file " + stamps.files() + " changed but does not load ("
                        + e.getMessage() + "); the bundle in use is kept");
            }
        }
        return current;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        current().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        current().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        current().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a server does not check servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a server does not check servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a server does not check servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return current().getAcceptedIssuers();
    }
}
