package org.hassette.apps.internal;

import java.util.List;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code hassette:apps}: one line per app instance (id, bundle, status, reason). Registered with
 * the Gogo command properties only, so this bundle does not depend on Gogo.
 */
@Component(service = AppCommands.class, property = { "osgi.command.scope=hassette", "osgi.command.function=apps" })
public class AppCommands {
    private final AppRegistry registry;

    @org.osgi.service.component.annotations.Activate
    public AppCommands(@Reference AppRegistry registry) {
        this.registry = registry;
    }

    /** The app table. */
    public String apps() {
        return format(registry.apps());
    }

    static String format(List<AppInfo> apps) {
        if (apps.isEmpty()) {
            return "no apps";
        }
        int id = "APP".length();
        int bundle = "BUNDLE".length();
        int status = "STATUS".length();
        for (AppInfo a : apps) {
            id = Math.max(id, a.appId().length());
            bundle = Math.max(bundle, a.bundle().length());
            status = Math.max(status, a.status().label().length());
        }
        String f = "%-" + id + "s  %-" + bundle + "s  %-" + status + "s  %s";
        StringBuilder sb = new StringBuilder(String.format(f, "APP", "BUNDLE", "STATUS", "REASON").stripTrailing());
        for (AppInfo a : apps) {
            sb.append('\n').append(String.format(f, a.appId(), a.bundle(), a.status().label(),
                    a.reason() == null ? "" : a.reason()).stripTrailing());
        }
        return sb.toString();
    }
}
