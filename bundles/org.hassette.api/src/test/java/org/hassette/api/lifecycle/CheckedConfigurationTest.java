package org.hassette.api.lifecycle;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ConfigurationErrors#checked}: a value DS cannot convert is reported and replaced, never thrown. */
class CheckedConfigurationTest {
    public enum Mode { FAST, SAFE }

    public @interface Settings {
        long timeout_seconds() default 10;

        int restart_budget() default 5;

        double ratio() default 0.5;

        Mode mode() default Mode.SAFE;

        String name() default "x";

        long[] delays() default { 1, 2 };
    }

    private static final String FILE = "file:/home/me/etc/org.hassette.apps.cfg";

    @Test
    void aBadValueAtActivationIsReportedWithPidFilePropertyValueAndTypeAndTheDefaultIsUsed() {
        List<String> errors = new ArrayList<>();
        Map<String, Object> props = props("timeout.seconds", "lots", "restart.budget", "7", "ratio", "half", "mode", "TURBO");
        Settings s = ConfigurationErrors.checked(Settings.class, dsView(props), props, null, errors::add);

        assertEquals(10, s.timeout_seconds());
        assertEquals(7, s.restart_budget(), "good values are kept");
        assertEquals(0.5, s.ratio());
        assertEquals(Mode.SAFE, s.mode());
        assertEquals("x", s.name());
        assertEquals(java.util.Set.of(
                "configuration org.hassette.apps (/home/me/etc/org.hassette.apps.cfg): timeout.seconds = 'lots' is not a whole number"
                        + " (long expected); using the default 10 until it is fixed",
                "configuration org.hassette.apps (/home/me/etc/org.hassette.apps.cfg): ratio = 'half' is not a number (double expected);"
                        + " using the default 0.5 until it is fixed",
                "configuration org.hassette.apps (/home/me/etc/org.hassette.apps.cfg): mode = 'TURBO' is not one of FAST, SAFE;"
                        + " using the default SAFE until it is fixed"),
                java.util.Set.copyOf(errors));
        assertEquals(3, errors.size(), "one sentence per bad value: " + errors);
    }

    @Test
    void aBadValueOnAChangeKeepsThePreviousValue() {
        Map<String, Object> first = props("timeout.seconds", "30", "restart.budget", "2");
        Settings before = ConfigurationErrors.checked(Settings.class, dsView(first), first, null, e -> fail(e));
        assertEquals(30, before.timeout_seconds());

        List<String> errors = new ArrayList<>();
        Map<String, Object> changed = props("timeout.seconds", "thirty", "restart.budget", "3");
        Settings after = ConfigurationErrors.checked(Settings.class, dsView(changed), changed, before, errors::add);
        assertEquals(30, after.timeout_seconds(), "the previous value, not the default");
        assertEquals(3, after.restart_budget(), "the good change applies");
        assertEquals(List.of("configuration org.hassette.apps (/home/me/etc/org.hassette.apps.cfg): timeout.seconds = 'thirty' is not a"
                + " whole number (long expected); keeping the previous value 30 until it is fixed"), errors);
    }

    @Test
    void arraysAreCopiedAndNamesFollowTheDsMapping() {
        Map<String, Object> props = props("delays", new String[] { "1", "soon" });
        List<String> errors = new ArrayList<>();
        Settings s = ConfigurationErrors.checked(Settings.class, dsView(props), props, null, errors::add);
        assertArrayEquals(new long[] { 1, 2 }, s.delays());
        s.delays()[0] = 99;
        assertEquals(1, s.delays()[0], "callers cannot change the stored values");
        assertTrue(errors.get(0).contains("delays = '1, soon' is not a whole number (long expected); using the default 1, 2"), errors.get(0));
        assertEquals("a.b_c$-", ConfigurationErrors.propertyName("a_b__c$$$_$"));
        assertEquals("timeout.seconds", ConfigurationErrors.propertyName("timeout_seconds"));
    }

    private static Map<String, Object> props(Object... pairs) {
        Map<String, Object> m = new HashMap<>();
        m.put("service.pid", "org.hassette.apps");
        m.put("felix.fileinstall.filename", FILE);
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** What DS hands a component: a view that converts each value when it is read and throws when it cannot. */
    private static Settings dsView(Map<String, Object> props) {
        return (Settings) Proxy.newProxyInstance(Settings.class.getClassLoader(), new Class<?>[] { Settings.class }, (proxy, m, args) -> {
            Object raw = props.get(ConfigurationErrors.propertyName(m.getName()));
            if (raw == null) {
                return m.getDefaultValue();
            }
            Class<?> t = m.getReturnType();
            try {
                if (t == long[].class) {
                    String[] items = (String[]) raw;
                    long[] out = new long[items.length];
                    for (int i = 0; i < items.length; i++) {
                        out[i] = Long.parseLong(items[i]);
                    }
                    return out;
                }
                String v = raw.toString();
                return t == long.class ? Long.parseLong(v) : t == int.class ? Integer.parseInt(v) : t == double.class ? Double.parseDouble(v)
                        : t == Mode.class ? Mode.valueOf(v) : v;
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("cannot convert", e); // SCR: ComponentException
            }
        });
    }
}
