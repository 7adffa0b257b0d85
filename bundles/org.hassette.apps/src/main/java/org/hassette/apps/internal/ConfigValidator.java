package org.hassette.apps.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Checks an app's configuration against the metatype its bundle declares
 * ({@code @ObjectClassDefinition}/{@code @AttributeDefinition}): required attributes without a
 * default must be set, and every value must pass the definition's own validation (type, options,
 * cardinality). Problems are named by property, in the words an operator edits a file with.
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
        check(required, true, app, out);
        check(optional, false, app, out);
        return out;
    }

    private static void check(AttributeDefinition[] ads, boolean required, ServiceReference<?> app, List<String> out) {
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
                    out.add(ad.getID() + ": '" + v + "' is not valid: " + problem);
                }
            }
        }
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
