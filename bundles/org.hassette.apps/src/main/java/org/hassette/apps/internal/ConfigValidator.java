package org.hassette.apps.internal;

import java.io.InputStream;
import java.lang.reflect.Array;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Checks an app's configuration against the metatype its bundle declares
 * ({@code @ObjectClassDefinition}/{@code @AttributeDefinition}): required attributes without a
 * default must be set, and every value must pass the definition's own validation (type, options,
 * min/max, cardinality). Problems are named by property, in the words an operator edits a file with:
 * the expected type, the allowed options or the bound, not only metatype's "invalid value".
 */
final class ConfigValidator {
    private ConfigValidator() {
    }

    /** The problems with the app's configuration, empty when it is fine or declares no metatype. */
    static List<String> problems(MetaTypeService metatype, ServiceReference<?> app) {
        List<String> out = new ArrayList<>();
        Bundle bundle = app.getBundle();
        if (metatype == null || bundle == null) {
            return out;
        }
        Object factoryPid = app.getProperty("service.factoryPid");
        Object pid = factoryPid != null ? factoryPid : app.getProperty("service.pid");
        if (!(pid instanceof String p)) {
            return out;
        }
        MetaTypeInformation info = metatype.getMetaTypeInformation(bundle);
        if (info == null) {
            return out;
        }
        ObjectClassDefinition ocd;
        try {
            ocd = info.getObjectClassDefinition(p, null);
        } catch (IllegalArgumentException noSuchPid) {
            return out;
        }
        if (ocd == null) {
            return out;
        }
        AttributeDefinition[] required = ocd.getAttributeDefinitions(ObjectClassDefinition.REQUIRED);
        AttributeDefinition[] optional = ocd.getAttributeDefinitions(ObjectClassDefinition.OPTIONAL);
        // the bundle's metatype XML is parsed only to word a problem, not on every (valid) start
        java.util.function.Supplier<Map<String, String[]>> bounds = new java.util.function.Supplier<>() {
            private Map<String, String[]> read;

            @Override
            public Map<String, String[]> get() {
                if (read == null) {
                    read = bounds(bundle, ocd.getID());
                }
                return read;
            }
        };
        check(required, true, app, bounds, out);
        check(optional, false, app, bounds, out);
        return out;
    }

    private static void check(AttributeDefinition[] ads, boolean required, ServiceReference<?> app, java.util.function.Supplier<Map<String, String[]>> bounds,
            List<String> out) {
        if (ads == null) {
            return;
        }
        for (AttributeDefinition ad : ads) {
            Object value = app.getProperty(ad.getID());
            if (value == null) {
                if (required && (ad.getDefaultValue() == null || ad.getDefaultValue().length == 0)) {
                    out.add(ad.getID() + ": required, not set" + (ad.getDescription() == null ? "" : " (" + ad.getDescription() + ")"));
                }
                continue;
            }
            for (String v : strings(value)) {
                String problem = ad.validate(v);
                if (problem != null && !problem.isEmpty()) {
                    out.add(ad.getID() + ": " + explain(ad, v, problem, bounds.get().getOrDefault(ad.getID(), new String[2])));
                }
            }
        }
    }

    /**
     * What is wrong with a value metatype refused, in an operator's words: metatype says only
     * "invalid value" for a value of the wrong type, so the expected type (or the allowed options)
     * is named here; metatype's own text is kept when it says more.
     */
    static String explain(AttributeDefinition ad, String value, String problem, String[] minMax) {
        String quoted = "'" + value + "'";
        String notType = typeProblem(ad.getType(), value);
        if (notType != null) {
            return quoted + " is " + notType;
        }
        String[] options = ad.getOptionValues();
        if (options != null && options.length > 0 && !List.of(options).contains(value)) {
            return quoted + " is not one of " + String.join(", ", options);
        }
        String text = problem.startsWith("%") ? problem.substring(1) : problem; // an untranslated metatype key
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("greater than max")) {
            return quoted + " is more than the maximum" + (minMax[1] == null ? "" : " " + minMax[1]);
        }
        if (lower.contains("less than min")) {
            return quoted + " is less than the minimum" + (minMax[0] == null ? "" : " " + minMax[0]);
        }
        return quoted + " is not valid: " + text;
    }

    /** Why {@code value} is not of the metatype {@code type}, e.g. "not a number (Double expected)", or null when it is. */
    static String typeProblem(int type, String value) {
        String v = value.strip();
        try {
            switch (type) {
                case AttributeDefinition.LONG -> Long.parseLong(v);
                case AttributeDefinition.INTEGER -> Integer.parseInt(v);
                case AttributeDefinition.SHORT -> Short.parseShort(v);
                case AttributeDefinition.BYTE -> Byte.parseByte(v);
                case AttributeDefinition.DOUBLE -> Double.parseDouble(v);
                case AttributeDefinition.FLOAT -> Float.parseFloat(v);
                case AttributeDefinition.BOOLEAN -> {
                    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                        return "not true or false (Boolean expected)";
                    }
                }
                case AttributeDefinition.CHARACTER -> {
                    if (value.length() != 1) {
                        return "not a single character (Character expected)";
                    }
                }
                default -> {
                    return null;
                }
            }
            return null;
        } catch (NumberFormatException e) {
            return switch (type) {
                case AttributeDefinition.LONG -> whole(v, "Long", Long.MIN_VALUE, Long.MAX_VALUE);
                case AttributeDefinition.INTEGER -> whole(v, "Integer", Integer.MIN_VALUE, Integer.MAX_VALUE);
                case AttributeDefinition.SHORT -> whole(v, "Short", Short.MIN_VALUE, Short.MAX_VALUE);
                case AttributeDefinition.BYTE -> whole(v, "Byte", Byte.MIN_VALUE, Byte.MAX_VALUE);
                case AttributeDefinition.DOUBLE -> "not a number (Double expected)";
                default -> "not a number (Float expected)";
            };
        }
    }

    /** A whole-number type refused {@code v}: not a whole number at all, or one out of the type's range. */
    private static String whole(String v, String type, long min, long max) {
        if (v.matches("[-+]?\\d+")) {
            return "out of range (" + type + " expected, " + min + " to " + max + ")";
        }
        return "not a whole number (" + type + " expected)";
    }

    /**
     * The min and max of each attribute of the OCD {@code ocdId}, read from the bundle's metatype
     * documents: the metatype service does not hand them out, and an operator wants the bound named.
     */
    static Map<String, String[]> bounds(Bundle bundle, String ocdId) {
        Map<String, String[]> out = new HashMap<>();
        Enumeration<URL> docs = bundle.findEntries("OSGI-INF/metatype", "*.xml", false);
        while (docs != null && docs.hasMoreElements()) {
            try (InputStream in = docs.nextElement().openStream()) {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                NodeList ocds = f.newDocumentBuilder().parse(in).getElementsByTagName("OCD");
                for (int i = 0; i < ocds.getLength(); i++) {
                    Element ocd = (Element) ocds.item(i);
                    if (!ocd.getAttribute("id").equals(ocdId)) {
                        continue;
                    }
                    NodeList ads = ocd.getElementsByTagName("AD");
                    for (int j = 0; j < ads.getLength(); j++) {
                        Element ad = (Element) ads.item(j);
                        out.put(ad.getAttribute("id"), new String[] { blankToNull(ad.getAttribute("min")), blankToNull(ad.getAttribute("max")) });
                    }
                }
            } catch (Exception unreadable) {
                // the bound is only named in the message; metatype's own text still says what is wrong
            }
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                out.add(String.valueOf(Array.get(value, i)));
            }
        } else if (value instanceof Collection<?> c) {
            c.forEach(v -> out.add(String.valueOf(v)));
        } else {
            out.add(String.valueOf(value));
        }
        return out;
    }
}
