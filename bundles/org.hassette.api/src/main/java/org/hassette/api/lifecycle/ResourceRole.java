package org.hassette.api.lifecycle;

import java.util.Locale;

/**
 * Who a resource belongs to. Core resources are supervised by the platform's restart policy and
 * can shut the platform down when fatal; app resources never can.
 */
public enum ResourceRole {
    CORE,
    APP;

    /** Lower-case name used in service properties and JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code core} or {@code app} (any case). */
    public static ResourceRole parse(String text) {
        if (text != null) {
            for (ResourceRole r : values()) {
                if (r.name().equalsIgnoreCase(text.trim())) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("unknown resource role '" + text + "'; expected core or app");
    }
}
