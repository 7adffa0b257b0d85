package org.hassette.web.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Checks an {@code Authorization} header against the operator's console credentials (user name and
 * a {@code {sha-256}<base64>} password hash, as the launcher stores them for the Web Console) or an
 * API token. Every comparison is over SHA-256 digests with {@link MessageDigest#isEqual}, so its
 * time does not depend on where a guess goes wrong or on the secret's length. Secrets never appear
 * in {@link #toString()} or in any message.
 */
final class Authenticator {
    private static final String SHA256_PREFIX = "{sha-256}";

    private final byte[] userDigest;
    private final byte[] passwordHash;
    private final byte[] tokenDigest;

    /**
     * @param user         console user name, or null when there is none
     * @param passwordHash {@code {sha-256}<base64>} of the console password, or null
     * @param token        API token, or null/blank for none
     */
    Authenticator(String user, String passwordHash, String token) {
        this.userDigest = user == null || user.isEmpty() ? null : sha256(user.getBytes(StandardCharsets.UTF_8));
        this.passwordHash = decodeHash(passwordHash);
        this.tokenDigest = token == null || token.isBlank() ? null : sha256(token.trim().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether any credential is configured at all; without one nothing but health is served. */
    boolean configured() {
        return (userDigest != null && passwordHash != null) || tokenDigest != null;
    }

    /** What the header proves: the authenticated principal's kind, or null when it proves nothing. */
    String authenticate(String authorization) {
        if (authorization == null) {
            return null;
        }
        int space = authorization.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String scheme = authorization.substring(0, space);
        String value = authorization.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return tokenDigest != null && MessageDigest.isEqual(tokenDigest, sha256(value.getBytes(StandardCharsets.UTF_8))) ? "token" : null;
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            byte[] user = sha256(decoded.substring(0, colon).getBytes(StandardCharsets.UTF_8));
            byte[] password = sha256(decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
            // Evaluate all three checks every time: no early exit on the user name.
            boolean userOk = userDigest != null && MessageDigest.isEqual(userDigest, user);
            boolean passwordOk = passwordHash != null && MessageDigest.isEqual(passwordHash, password);
            boolean tokenOk = tokenDigest != null && MessageDigest.isEqual(tokenDigest, password);
            if (userOk && passwordOk) {
                return "user";
            }
            // The token also works as the password of any user name, for clients that only speak Basic.
            return tokenOk ? "token" : null;
        }
        return null;
    }

    private static byte[] decodeHash(String hash) {
        if (hash == null || !hash.startsWith(SHA256_PREFIX)) {
            return null;
        }
        try {
            byte[] digest = Base64.getDecoder().decode(hash.substring(SHA256_PREFIX.length()));
            return digest.length == 32 ? digest : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "Authenticator[console user " + (userDigest != null ? "set" : "none") + ", token " + (tokenDigest != null ? "set" : "none") + "]";
    }
}
