package dev.cistern.agent.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The server's TLS: its certificate from PEM files (certificate chain + key) or a PKCS12 keystore,
 * optionally client certificates required and checked against a CA bundle (mTLS). Every file is read
 * again when it changes, at most every {@code recheck}, without a restart.
 */
public final class TlsContext {
    private final SSLContext context;
    private final boolean clientAuth;

    private TlsContext(SSLContext context, boolean clientAuth) {
        this.context = context;
        this.clientAuth = clientAuth;
    }

    /** From a PEM certificate chain and key; {@code clientCa} may be null (no client certificates asked). */
    public static TlsContext fromPem(Path certChain, Path key, Path clientCa, Duration recheck) throws IOException {
        return build(() -> {
            List<X509Certificate> chain = PemFiles.certificates(certChain);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", PemFiles.privateKey(key), new char[0], chain.toArray(X509Certificate[]::new));
            return keyManager(ks, new char[0]);
        }, List.of(certChain, key), clientCa, recheck);
    }

    /** From a PKCS12 keystore and a file holding its password. */
    public static TlsContext fromPkcs12(Path keystore, Path passwordFile, Path clientCa, Duration recheck) throws IOException {
        return build(() -> {
            char[] password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
            try (InputStream in = Files.newInputStream(keystore)) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(in, password);
                return keyManager(ks, password);
            }
        }, List.of(keystore, passwordFile), clientCa, recheck);
    }

    private static TlsContext build(ReloadingKeyManager.Source keys, List<Path> keyFiles, Path clientCa, Duration recheck)
            throws IOException {
        try {
            KeyManager[] km = {new ReloadingKeyManager(keys, new FileStamps(keyFiles, recheck.toMillis()))};
            TrustManager[] tm = null;
            if (clientCa != null) {
                tm = new TrustManager[] {new ReloadingTrustManager(() -> trustManager(clientCa),
                        new FileStamps(List.of(clientCa), recheck.toMillis()))};
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(km, tm, null);
            return new TlsContext(ctx, clientCa != null);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot set up TLS from " + keyFiles + ": " + e.getMessage(), e);
        }
    }

    private static X509ExtendedKeyManager keyManager(KeyStore ks, char[] password) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        for (KeyManager k : kmf.getKeyManagers()) {
            if (k instanceof X509ExtendedKeyManager x) return x;
        }
        throw new IOException("no X.509 key in the keystore");
    }

    private static X509ExtendedTrustManager trustManager(Path caBundle) throws Exception {
        List<X509Certificate> cas = new ArrayList<>(PemFiles.certificates(caBundle));
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        for (int i = 0; i < cas.size(); i++) ts.setCertificateEntry("ca" + i, cas.get(i));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        for (TrustManager t : tmf.getTrustManagers()) {
            if (t instanceof X509ExtendedTrustManager x) return x;
        }
        throw new IOException("no X.509 trust manager for " + caBundle);
    }

    /** A server-side engine for one connection; with mTLS, a client without a trusted certificate fails the handshake. */
    SSLEngine newEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        if (clientAuth) engine.setNeedClientAuth(true);
        return engine;
    }
}
