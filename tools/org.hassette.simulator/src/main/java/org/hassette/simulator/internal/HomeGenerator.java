package org.hassette.simulator.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds a deterministic home of N entities spread over the domains an automation platform meets
 * most: lights, switches, helpers, sensors and binary sensors, plus one weather entity. The same N
 * always gives the same entity ids and initial states.
 */
public final class HomeGenerator {

    private static final String[] ROOMS = {"kitchen", "living_room", "bedroom", "bathroom", "hallway", "office",
        "garage", "garden", "dining_room", "guest_room", "attic", "basement"};

    /** Kind of generated entity: domain, name suffix, and how it looks. */
    private enum Kind {
        LIGHT("light", "light"), TEMPERATURE("sensor", "temperature"), MOTION("binary_sensor", "motion"),
        SWITCH("switch", "plug"), HUMIDITY("sensor", "humidity"), POWER("sensor", "power"),
        DOOR("binary_sensor", "door"), INPUT_BOOLEAN("input_boolean", "guest_mode"), BATTERY("sensor", "battery"),
        ILLUMINANCE("sensor", "illuminance"), ENERGY("sensor", "energy"), WINDOW("binary_sensor", "window");

        final String domain;
        final String suffix;

        Kind(String domain, String suffix) {
            this.domain = domain;
            this.suffix = suffix;
        }
    }

    private static final Kind[] CYCLE = {Kind.LIGHT, Kind.TEMPERATURE, Kind.MOTION, Kind.SWITCH, Kind.HUMIDITY,
        Kind.LIGHT, Kind.POWER, Kind.DOOR, Kind.INPUT_BOOLEAN, Kind.TEMPERATURE, Kind.LIGHT, Kind.SWITCH, Kind.BATTERY,
        Kind.MOTION, Kind.LIGHT, Kind.ILLUMINANCE, Kind.SWITCH, Kind.ENERGY, Kind.WINDOW, Kind.POWER};

    /** An entity to create: id, state, attributes. */
    public static final class Spec {
        public final String entityId;
        public final String state;
        public final Map<String, Object> attributes;

        Spec(String entityId, String state, Map<String, Object> attributes) {
            this.entityId = entityId;
            this.state = state;
            this.attributes = attributes;
        }
    }

    private HomeGenerator() {
    }

    public static List<Spec> generate(int n) {
        List<Spec> out = new ArrayList<>(n);
        SplittableRandom rnd = new SplittableRandom(42);
        Map<String, Integer> used = new HashMap<>();
        int start = 0;
        if (n >= 20) {
            out.add(weather());
            start = 1;
        }
        for (int i = start; i < n; i++) {
            Kind kind = CYCLE[i % CYCLE.length];
            String room = ROOMS[(i / CYCLE.length) % ROOMS.length];
            String base = kind.domain + "." + room + "_" + kind.suffix;
            int count = used.merge(base, 1, Integer::sum);
            String entityId = count == 1 ? base : base + "_" + count;
            String name = title(room) + " " + title(kind.suffix) + (count == 1 ? "" : " " + count);
            out.add(create(kind, entityId, name, rnd));
        }
        return out;
    }

    static String title(String snake) {
        StringBuilder sb = new StringBuilder();
        for (String w : snake.split("_")) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
        }
        return sb.toString();
    }

    private static Spec weather() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("temperature", 17.2);
        a.put("apparent_temperature", 16.4);
        a.put("dew_point", 9.1);
        a.put("temperature_unit", "°C");
        a.put("humidity", 62);
        a.put("cloud_coverage", 20.0);
        a.put("pressure", 1016.4);
        a.put("pressure_unit", "hPa");
        a.put("wind_bearing", 231.6);
        a.put("wind_speed", 11.2);
        a.put("wind_speed_unit", "km/h");
        a.put("visibility_unit", "km");
        a.put("precipitation_unit", "mm");
        a.put("attribution", "Weather forecast from the Hassette simulator");
        a.put("friendly_name", "Forecast Home");
        a.put("supported_features", 3);
        return new Spec("weather.home", "sunny", a);
    }

    private static Spec create(Kind kind, String entityId, String name, SplittableRandom rnd) {
        Map<String, Object> a = new LinkedHashMap<>();
        String state;
        switch (kind) {
            case LIGHT: {
                boolean on = rnd.nextInt(3) == 0;
                a.put("supported_color_modes", List.of("brightness"));
                a.put("color_mode", on ? "brightness" : null);
                a.put("brightness", on ? 64 + rnd.nextInt(192) : null);
                a.put("friendly_name", name);
                a.put("supported_features", 32);
                state = on ? "on" : "off";
                break;
            }
            case SWITCH:
                a.put("friendly_name", name);
                state = rnd.nextBoolean() ? "on" : "off";
                break;
            case INPUT_BOOLEAN:
                a.put("editable", true);
                a.put("friendly_name", name);
                state = "off";
                break;
            case MOTION:
            case DOOR:
            case WINDOW:
                a.put("device_class", kind.suffix);
                a.put("friendly_name", name);
                state = rnd.nextInt(5) == 0 ? "on" : "off";
                break;
            default:
                state = sensor(kind, a, rnd);
                a.put("friendly_name", name);
        }
        return new Spec(entityId, state, a);
    }

    private static String sensor(Kind kind, Map<String, Object> a, SplittableRandom rnd) {
        switch (kind) {
            case TEMPERATURE:
                a.put("state_class", "measurement");
                a.put("unit_of_measurement", "°C");
                a.put("device_class", "temperature");
                return String.format(Locale.ROOT, "%.1f", 17 + rnd.nextDouble() * 8);
            case HUMIDITY:
                a.put("state_class", "measurement");
                a.put("unit_of_measurement", "%");
                a.put("device_class", "humidity");
                return Integer.toString(35 + rnd.nextInt(30));
            case POWER:
                a.put("state_class", "measurement");
                a.put("unit_of_measurement", "W");
                a.put("device_class", "power");
                return String.format(Locale.ROOT, "%.1f", rnd.nextDouble() * 400);
            case ENERGY:
                a.put("state_class", "total_increasing");
                a.put("unit_of_measurement", "kWh");
                a.put("device_class", "energy");
                return String.format(Locale.ROOT, "%.3f", rnd.nextDouble() * 5000);
            case BATTERY:
                a.put("state_class", "measurement");
                a.put("unit_of_measurement", "%");
                a.put("device_class", "battery");
                return Integer.toString(20 + rnd.nextInt(81));
            case ILLUMINANCE:
                a.put("state_class", "measurement");
                a.put("unit_of_measurement", "lx");
                a.put("device_class", "illuminance");
                return Integer.toString(rnd.nextInt(800));
            default:
                throw new IllegalArgumentException(kind.name());
        }
    }

    /**
     * A plausible next value for a generated sensor or binary sensor ({@code --activity}); null for
     * entities that only change through services.
     */
    static String nudge(State s, SplittableRandom rnd) {
        String domain = s.domain();
        if (domain.equals("binary_sensor")) {
            return "on".equals(s.state()) ? "off" : "on";
        }
        if (!domain.equals("sensor")) {
            return null;
        }
        try {
            double v = Double.parseDouble(s.state());
            Object dc = s.attributes().get("device_class");
            if ("energy".equals(dc)) {
                return String.format(Locale.ROOT, "%.3f", v + rnd.nextDouble() * 0.05);
            }
            double next = Math.max(0, v + (rnd.nextDouble() - 0.5) * Math.max(0.4, Math.abs(v) * 0.05));
            if (s.state().indexOf('.') < 0) {
                return Long.toString(Math.round(next));
            }
            return String.format(Locale.ROOT, "%.1f", next);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code zone.home} as HA creates it from the core config. */
    static Spec zoneHome(HomeConfig c) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("latitude", c.latitude);
        a.put("longitude", c.longitude);
        a.put("radius", c.radius);
        a.put("passive", false);
        a.put("persons", List.of());
        a.put("editable", true);
        a.put("icon", "mdi:home");
        a.put("friendly_name", c.locationName);
        return new Spec("zone.home", "0", a);
    }
}
