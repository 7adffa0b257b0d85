package org.hassette.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    private static final String HASH = "{sha-256}" + Base64.getEncoder().encodeToString(Authenticator.sha256("pw-1".getBytes(StandardCharsets.UTF_8)));

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void consoleCredentialsAreCheckedAgainstTheStoredHash() {
        Authenticator a = new Authenticator("operator", HASH, null);
        assertEquals("user", a.authenticate(basic("operator", "pw-1")));
        assertNull(a.authenticate(basic("operator", "pw-2")));
        assertNull(a.authenticate(basic("admin", "pw-1")));
        assertNull(a.authenticate(basic("operator", "")));
        assertNull(a.authenticate("Basic not-base64!"));
        assertNull(a.authenticate("Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8))));
        assertNull(a.authenticate(null));
        assertNull(a.authenticate("Bearer pw-1"), "no token configured: bearer never works");
    }

    @Test
    void theApiTokenWorksAsBearerOrAsBasicPassword() {
        Authenticator a = new Authenticator("operator", HASH, " tok-123 ");
        assertEquals("token", a.authenticate("Bearer tok-123"));
        assertEquals("token", a.authenticate("bearer tok-123"));
        assertNull(a.authenticate("Bearer tok-12"));
        assertNull(a.authenticate("Bearer tok-1234"));
        assertEquals("token", a.authenticate(basic("anyone", "tok-123")));
        assertEquals("user", a.authenticate(basic("operator", "pw-1")));
    }

    @Test
    void nothingConfiguredMeansNothingIsAccepted() {
        Authenticator a = new Authenticator(null, null, "  ");
        assertFalse(a.configured());
        assertNull(a.authenticate(basic("admin", "admin")));
        assertNull(a.authenticate("Bearer "));
        assertNull(new Authenticator("admin", "{sha-256}short", null).authenticate(basic("admin", "x")), "a malformed hash never matches");
        assertTrue(new Authenticator(null, null, "t").configured());
    }

    @Test
    void toStringNeverShowsASecret() {
        String s = new Authenticator("operator", HASH, "tok-123").toString();
        assertFalse(s.contains("tok-123") || s.contains("operator") || s.contains(HASH.substring(9, 20)), s);
    }
}
