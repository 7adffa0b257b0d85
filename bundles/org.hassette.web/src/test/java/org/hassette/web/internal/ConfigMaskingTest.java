package org.hassette.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigMaskingTest {
    @Test
    void secretLookingKeysAreMaskedAndEverythingElseIsShownAsIs() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("api.token", "t-1");
        props.put("HA_TOKEN_FILE", "/x");
        props.put("db.Password", "p");
        props.put("client_secret", "s");
        props.put("apikey", "k");
        props.put("empty.token", "");
        props.put("url", "http://ha:8123");
        props.put("lights", new String[] { "light.a", "light.b" });
        props.put("off.after.seconds", 120);
        Map<String, Object> m = ApiServlet.masked(props);
        assertEquals("********", m.get("api.token"));
        assertEquals("********", m.get("HA_TOKEN_FILE"));
        assertEquals("********", m.get("db.Password"));
        assertEquals("********", m.get("client_secret"));
        assertEquals("********", m.get("apikey"));
        assertEquals("", m.get("empty.token"), "an empty secret shows that none is set");
        assertEquals("http://ha:8123", m.get("url"));
        assertEquals(List.of("light.a", "light.b"), m.get("lights"));
        assertEquals(120, m.get("off.after.seconds"));
    }
}
