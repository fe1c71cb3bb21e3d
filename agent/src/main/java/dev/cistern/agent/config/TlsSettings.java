package dev.cistern.agent.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code tls} keys, checked together: a PEM pair or a PKCS12 keystore (not both), and a client CA
 * only with one of them. {@link #enabled()} is false when none is set (plain HTTP).
 */
public record TlsSettings(Path certFile, Path keyFile, Path keystoreFile, Path keystorePasswordFile, Path clientCaFile,
                          Duration reloadInterval) {

    static TlsSettings of(AgentConfig.Tls t) {
        Path cert = file("tls.cert_file", t.certFile);
        Path key = file("tls.key_file", t.keyFile);
        Path ks = file("tls.keystore_file", t.keystoreFile);
        Path ksPass = file("tls.keystore_password_file", t.keystorePasswordFile);
        Path ca = file("tls.client_ca_file", t.clientCaFile);
        if ((cert == null) != (key == null)) {
            throw new ConfigException(cert == null ? "tls.cert_file" : "tls.key_file", "tls.cert_file and tls.key_file go together");
        }
        if (cert != null && ks != null) throw new ConfigException("tls.keystore_file", "set either tls.cert_file/key_file or a keystore, not both");
        if (ks != null && ksPass == null) throw new ConfigException("tls.keystore_password_file", "required when tls.keystore_file is set");
        if (ca != null && cert == null && ks == null) {
            throw new ConfigException("tls.client_ca_file", "client certificates need TLS: set tls.cert_file and tls.key_file");
        }
        Duration every = Sizes.duration("tls.reload_interval", t.reloadInterval);
        if (every.toMillis() < 100) throw new ConfigException("tls.reload_interval", "must be at least 100ms");
        return new TlsSettings(cert, key, ks, ksPass, ca, every);
    }

    public boolean enabled() {
        return certFile != null || keystoreFile != null;
    }

    private static Path file(String key, String value) {
        if (value == null || value.isBlank()) return null;
        Path p = Path.of(value.strip());
        if (!Files.isReadable(p)) throw new ConfigException(key, "file " + p + " does not exist or cannot be read");
        return p;
    }
}
