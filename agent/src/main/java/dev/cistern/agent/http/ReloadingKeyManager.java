package dev.cistern.agent.http;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's certificate, read again when its files change (a renewed certificate, a rotated
 * secret): new handshakes get the new one, connections already open keep theirs. A file that does
 * not load is warned about and the certificate in use is kept.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private static final Logger LOG = Logger.getLogger(ReloadingKeyManager.class.getName());

    /** Reads the key manager from the files. */
    interface Source {
        X509ExtendedKeyManager load() throws Exception;
    }

    private final Source source;
    private final FileStamps stamps;
    private volatile X509ExtendedKeyManager current;

    ReloadingKeyManager(Source source, FileStamps stamps) throws Exception {
        this.source = source;
        this.stamps = stamps;
        this.current = source.load();
    }

    private X509ExtendedKeyManager current() {
        if (stamps.changed()) {
            try {
                current = source.load();
                LOG.info("TLS certificate reloaded from " + stamps.files());
            } catch (Exception e) {
                LOG.log(Level.WARNING, "TLS certificate files " + stamps.files() + " changed but do not load ("
                        + e.getMessage() + "); the certificate in use is kept");
            }
        }
        return current;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return current().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return current().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return current.getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return current.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return current.getPrivateKey(alias);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null; // a server only
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
