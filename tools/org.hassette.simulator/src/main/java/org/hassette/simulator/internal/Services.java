package org.hassette.simulator.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** HA's service registry, with the services a simulated home offers and what they do to states. */
public final class Services {

    /** core's {@code SupportsResponse}. */
    public enum SupportsResponse { NONE, OPTIONAL, ONLY }

    /** Runs a service call; returns the response data (only used when it supports responses). */
    public interface Handler {
        Map<String, Object> handle(Call call);
    }

    /** One registered service. */
    public static final class Service {
        final String domain;
        final String service;
        final SupportsResponse supportsResponse;
        final Map<String, Object> description;
        final Handler handler;

        Service(String domain, String service, SupportsResponse supportsResponse, Map<String, Object> description,
                Handler handler) {
            this.domain = domain;
            this.service = service;
            this.supportsResponse = supportsResponse;
            this.description = description;
            this.handler = handler;
        }
    }

    /** A call in progress: merged data, the caller's context and access to the home. */
    public static final class Call {
        public final Home home;
        public final String domain;
        public final String service;
        public final Map<String, Object> data;
        public final Context context;
        public final boolean returnResponse;

        Call(Home home, String domain, String service, Map<String, Object> data, Context context, boolean returnResponse) {
            this.home = home;
            this.domain = domain;
            this.service = service;
            this.data = data;
            this.context = context;
            this.returnResponse = returnResponse;
        }

        /** Existing entities named by {@code entity_id} ({@code all} = every entity of {@code onlyDomain}). */
        public List<State> targets(String onlyDomain) {
            List<State> out = new ArrayList<>();
            Object ids = data.get("entity_id");
            if ("all".equals(ids) || (ids instanceof List && ((List<?>) ids).contains("all"))) {
                for (State s : home.states().all()) {
                    if (onlyDomain == null || s.domain().equals(onlyDomain)) {
                        out.add(s);
                    }
                }
                return out;
            }
            for (String id : Values.entityIds(ids)) {
                State s = home.states().get(id);
                if (s != null && (onlyDomain == null || s.domain().equals(onlyDomain))) {
                    out.add(s);
                }
            }
            return out;
        }
    }

    private final Map<String, Map<String, Service>> services = new TreeMap<>();

    public void register(String domain, String service, SupportsResponse supports, Map<String, Object> description,
            Handler handler) {
        services.computeIfAbsent(domain, k -> new TreeMap<>())
                .put(service, new Service(domain, service, supports, description, handler));
    }

    Service get(String domain, String service) {
        Map<String, Service> d = services.get(domain);
        if (d == null) {
            d = services.get(domain.toLowerCase());
        }
        if (d == null) {
            return null;
        }
        Service s = d.get(service);
        return s != null ? s : d.get(service.toLowerCase());
    }

    /** {@code get_services}: {domain: {service: description}}. */
    public Map<String, Object> descriptions() {
        Map<String, Object> out = new LinkedHashMap<>();
        services.forEach((domain, m) -> {
            Map<String, Object> d = new LinkedHashMap<>();
            m.forEach((name, s) -> d.put(name, s.description));
            out.put(domain, d);
        });
        return out;
    }

    // ---- built-in services -------------------------------------------------------------------

    static Map<String, Object> describe(String name, String description, String targetDomain,
            Map<String, Object> fields, SupportsResponse supports) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name);
        d.put("description", description);
        d.put("fields", fields == null ? Collections.emptyMap() : fields);
        if (targetDomain != null) {
            Map<String, Object> domainFilter = new LinkedHashMap<>();
            domainFilter.put("domain", List.of(targetDomain));
            Map<String, Object> target = new LinkedHashMap<>();
            target.put("entity", List.of(domainFilter));
            d.put("target", target);
        }
        if (supports != SupportsResponse.NONE) {
            d.put("response", Map.of("optional", supports == SupportsResponse.OPTIONAL));
        }
        return d;
    }

    static Map<String, Object> field(String name, String description, Object example, Map<String, Object> selector) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("description", description);
        if (example != null) {
            f.put("example", example);
        }
        f.put("selector", selector);
        return f;
    }

    /** Registers the services every simulated home has. */
    static void registerBuiltins(Services s) {
        for (String domain : List.of("light", "switch", "input_boolean", "fan")) {
            String noun = domain.replace('_', ' ');
            Map<String, Object> onFields = new LinkedHashMap<>();
            if (domain.equals("light")) {
                onFields.put("transition", field("Transition", "Duration it takes to get to next state.", null,
                        Map.of("number", Map.of("min", 0, "max", 300, "unit_of_measurement", "seconds"))));
                onFields.put("brightness", field("Brightness value", "Number indicating brightness, 0..255.", null,
                        Map.of("number", Map.of("min", 0, "max", 255))));
                onFields.put("brightness_pct", field("Brightness", "Number indicating the percentage of full brightness.",
                        null, Map.of("number", Map.of("min", 0, "max", 100, "unit_of_measurement", "%"))));
                onFields.put("rgb_color", field("Color", "The color in RGB format.", "[255, 100, 100]",
                        Map.of("color_rgb", Collections.emptyMap())));
                onFields.put("color_temp_kelvin", field("Color temperature", "Color temperature in Kelvin.", null,
                        Map.of("color_temp", Map.of("unit", "kelvin", "min", 2000, "max", 6500))));
            }
            s.register(domain, "turn_on", SupportsResponse.NONE,
                    describe("Turn on", "Turns on the " + noun + ".", domain, onFields, SupportsResponse.NONE),
                    call -> onOff(call, domain, "on"));
            s.register(domain, "turn_off", SupportsResponse.NONE,
                    describe("Turn off", "Turns off the " + noun + ".", domain, null, SupportsResponse.NONE),
                    call -> onOff(call, domain, "off"));
            s.register(domain, "toggle", SupportsResponse.NONE,
                    describe("Toggle", "Toggles the " + noun + ".", domain, null, SupportsResponse.NONE),
                    call -> onOff(call, domain, "toggle"));
        }
        s.register("input_boolean", "reload", SupportsResponse.NONE,
                describe("Reload", "Reloads helpers from the YAML-configuration.", null, null, SupportsResponse.NONE),
                call -> null);
        for (String svc : List.of("turn_on", "turn_off", "toggle")) {
            s.register("homeassistant", svc, SupportsResponse.NONE,
                    describe("Generic " + svc.replace('_', ' '), "Generic action to " + svc.replace('_', ' ')
                            + " devices of any domain.", null, null, SupportsResponse.NONE),
                    call -> {
                        String mode = svc.equals("turn_on") ? "on" : svc.equals("turn_off") ? "off" : "toggle";
                        for (State st : call.targets(null)) {
                            applyOnOff(call, st, mode);
                        }
                        return null;
                    });
        }
        s.register("homeassistant", "update_entity", SupportsResponse.NONE,
                describe("Update entity", "Forces one or more entities to update their data.", null, null,
                        SupportsResponse.NONE),
                call -> null);
        s.register("input_number", "set_value", SupportsResponse.NONE,
                describe("Set", "Sets the value.", "input_number",
                        Map.of("value", field("Value", "The target value.", null, Map.of("text", Map.of()))),
                        SupportsResponse.NONE),
                call -> {
                    Object v = call.data.get("value");
                    double d;
                    try {
                        d = v instanceof Number ? ((Number) v).doubleValue() : Double.parseDouble(String.valueOf(v));
                    } catch (NumberFormatException e) {
                        throw new HaError(HaError.INVALID_FORMAT, "expected float for dictionary value @ data['value']");
                    }
                    for (State st : call.targets("input_number")) {
                        call.home.setStateInternal(st.entityId(), PyFloat.repr(d), st.attributes(), false, call.context);
                    }
                    return null;
                });
        s.register("input_text", "set_value", SupportsResponse.NONE,
                describe("Set", "Sets the value.", "input_text",
                        Map.of("value", field("Value", "The target value.", null, Map.of("text", Map.of()))),
                        SupportsResponse.NONE),
                call -> {
                    String v = Values.pyStr(call.data.get("value"));
                    for (State st : call.targets("input_text")) {
                        call.home.setStateInternal(st.entityId(), v, st.attributes(), false, call.context);
                    }
                    return null;
                });
        s.register("climate", "set_temperature", SupportsResponse.NONE,
                describe("Set target temperature", "Sets the temperature setpoint.", "climate",
                        Map.of("temperature", field("Target temperature", "The temperature setpoint.", null,
                                Map.of("number", Map.of("min", 0, "max", 250, "step", 0.1)))),
                        SupportsResponse.NONE),
                call -> {
                    Object v = call.data.get("temperature");
                    double d;
                    try {
                        d = v instanceof Number ? ((Number) v).doubleValue() : Double.parseDouble(String.valueOf(v));
                    } catch (NumberFormatException e) {
                        throw new HaError(HaError.INVALID_FORMAT, "expected float for dictionary value @ data['temperature']");
                    }
                    for (State st : call.targets("climate")) {
                        Map<String, Object> attrs = new LinkedHashMap<>(st.attributes());
                        attrs.put("temperature", d);
                        Object mode = call.data.get("hvac_mode");
                        call.home.setStateInternal(st.entityId(), mode != null ? String.valueOf(mode) : st.state(), attrs, false,
                                call.context);
                    }
                    return null;
                });
        s.register("persistent_notification", "create", SupportsResponse.NONE,
                describe("Create", "Shows a notification on the notifications panel.", null,
                        Map.of("message", field("Message", "Message body of the notification.", "Please check your configuration.yaml.", Map.of("text", Map.of()))),
                        SupportsResponse.NONE),
                call -> null);
        s.register("persistent_notification", "dismiss", SupportsResponse.NONE,
                describe("Dismiss", "Deletes a notification from the notifications panel.", null,
                        Map.of("notification_id", field("Notification ID", "ID of the notification to be deleted.", "1234", Map.of("text", Map.of()))),
                        SupportsResponse.NONE),
                call -> null);
        s.register("weather", "get_forecasts", SupportsResponse.ONLY,
                describe("Get forecasts", "Get weather forecasts.", "weather",
                        Map.of("type", field("Forecast type", "Forecast type: daily, hourly or twice daily.", null,
                                Map.of("select", Map.of("options", List.of("daily", "hourly", "twice_daily"))))),
                        SupportsResponse.ONLY),
                Services::forecasts);
    }

    private static Map<String, Object> onOff(Call call, String domain, String mode) {
        for (State st : call.targets(domain)) {
            applyOnOff(call, st, mode);
        }
        return null;
    }

    private static void applyOnOff(Call call, State st, String mode) {
        String target = mode.equals("toggle") ? ("on".equals(st.state()) ? "off" : "on") : mode;
        Map<String, Object> attrs = new LinkedHashMap<>(st.attributes());
        if (st.domain().equals("light")) {
            if (target.equals("on")) {
                Object b = call.data.get("brightness");
                Object pct = call.data.get("brightness_pct");
                Integer brightness = null;
                if (b instanceof Number) {
                    brightness = Math.max(0, Math.min(255, ((Number) b).intValue()));
                } else if (pct instanceof Number) {
                    brightness = (int) Math.round(((Number) pct).doubleValue() * 255 / 100.0);
                }
                if (attrs.containsKey("brightness") || brightness != null) {
                    Object prev = attrs.get("brightness");
                    attrs.put("brightness", brightness != null ? brightness : (prev != null ? prev : 255));
                }
                if (attrs.containsKey("color_mode")) {
                    attrs.put("color_mode", colorModeOf(attrs));
                }
                if (call.data.get("rgb_color") instanceof List) {
                    attrs.put("rgb_color", call.data.get("rgb_color"));
                }
                if (call.data.get("color_temp_kelvin") instanceof Number) {
                    attrs.put("color_temp_kelvin", call.data.get("color_temp_kelvin"));
                }
                if (brightness != null && brightness == 0) {
                    target = "off";
                }
            }
            if (target.equals("off")) {
                for (String k : List.of("brightness", "color_mode", "rgb_color", "color_temp_kelvin")) {
                    if (attrs.containsKey(k)) {
                        attrs.put(k, null);
                    }
                }
            }
        }
        call.home.setStateInternal(st.entityId(), target, attrs, false, call.context);
    }

    private static Object colorModeOf(Map<String, Object> attrs) {
        Object modes = attrs.get("supported_color_modes");
        if (modes instanceof List && !((List<?>) modes).isEmpty()) {
            return ((List<?>) modes).get(0);
        }
        return "onoff";
    }

    private static Map<String, Object> forecasts(Call call) {
        Map<String, Object> response = new LinkedHashMap<>();
        long now = call.home.now();
        for (State st : call.targets("weather")) {
            List<Object> forecast = new ArrayList<>();
            for (int day = 1; day <= 5; day++) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("condition", day % 2 == 0 ? "cloudy" : "sunny");
                f.put("datetime", PyTime.iso(now + day * 86_400_000_000L));
                f.put("wind_bearing", 180.0 + day);
                f.put("temperature", 18.0 + day);
                f.put("templow", 9.0 + day);
                f.put("wind_speed", 10.5);
                f.put("precipitation", day % 3 == 0 ? 1.2 : 0.0);
                f.put("humidity", 60 + day);
                forecast.add(f);
            }
            response.put(st.entityId(), Map.of("forecast", forecast));
        }
        return response;
    }
}
