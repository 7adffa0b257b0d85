package org.hassette.simulator.internal;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The simulated installation's core configuration: {@code hass.config.as_dict()}. */
public final class HomeConfig {

    /** HA core's defaults for a fresh install (the demo location). */
    public double latitude = 32.87336;
    public double longitude = -117.22743;
    public double elevation = 0;
    public String timeZone = "UTC";
    public String locationName = "Home";
    public String country = "US";
    public String currency = "USD";
    public String language = "en";
    public int radius = 100;
    public String haVersion = "2025.11.1";

    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }

    public Map<String, Object> asMap(List<String> components) {
        Map<String, Object> units = new LinkedHashMap<>();
        units.put("length", "km");
        units.put("accumulated_precipitation", "mm");
        units.put("area", "m²");
        units.put("mass", "g");
        units.put("pressure", "Pa");
        units.put("temperature", "°C");
        units.put("volume", "L");
        units.put("wind_speed", "m/s");
        List<String> dirs = List.of("/config/www", "/media");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("allowlist_external_dirs", dirs);
        m.put("allowlist_external_urls", new ArrayList<>());
        m.put("components", components);
        m.put("config_dir", "/config");
        m.put("config_source", "storage");
        m.put("country", country);
        m.put("currency", currency);
        m.put("debug", false);
        m.put("elevation", (long) Math.round(elevation));
        m.put("external_url", null);
        m.put("internal_url", null);
        m.put("language", language);
        m.put("latitude", latitude);
        m.put("location_name", locationName);
        m.put("longitude", longitude);
        m.put("radius", radius);
        m.put("recovery_mode", false);
        m.put("safe_mode", false);
        m.put("state", "RUNNING");
        m.put("time_zone", timeZone);
        m.put("unit_system", units);
        m.put("version", haVersion);
        m.put("whitelist_external_dirs", dirs);
        return m;
    }
}
