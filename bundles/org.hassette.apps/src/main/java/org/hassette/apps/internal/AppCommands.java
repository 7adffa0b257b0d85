package org.hassette.apps.internal;

import java.util.List;
import java.util.Locale;
import org.hassette.api.app.AppInfo;
import org.apache.felix.service.command.Descriptor;
import org.hassette.api.app.AppRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code hassette:apps} (the app table) and {@code hassette:app <action> <id>} (start, stop, reload,
 * enable, disable, show). Registered with the Gogo command properties only, so this bundle does not
 * depend on Gogo; errors are thrown with a one-line message.
 */
@Component(service = AppCommands.class, property = { "osgi.command.scope=hassette", "osgi.command.function=apps",
        "osgi.command.function=app" })
public class AppCommands {
    static final String USAGE = "usage: hassette:app start|stop|reload|enable|disable|show <app id>";
    private final AppRegistry registry;

    @Activate
    public AppCommands(@Reference AppRegistry registry) {
        this.registry = registry;
    }

    /** The app table. */
    @Descriptor("lists app instances, and app components that have not started with why: id, bundle, status, listeners, jobs, reason")
    public String apps() {
        return format(registry.apps());
    }

    /** Usage. */
    @Descriptor("acts on one app: start, stop, reload, enable, disable or show")
    public String app() {
        return USAGE;
    }

    /** Usage for a missing id. */
    @Descriptor("acts on one app: start, stop, reload, enable, disable or show")
    public String app(@Descriptor("start|stop|reload|enable|disable|show") String action) {
        return USAGE;
    }

    /**
     * One operator action on one app; returns the app's line afterwards. A failure (unknown app or
     * action, a refused action) is thrown with one line saying what is wrong, as the other hassette
     * commands do, so the shell prints {@code error: ...} and {@code ./hassette exec} exits with 1.
     */
    @Descriptor("acts on one app: start, stop, reload, enable, disable or show; prints the app afterwards")
    public String app(@Descriptor("start | stop (until started) | reload | enable | disable (kept across restarts) | show") String action,
            @Descriptor("app id, e.g. org.example.porch~front (the app: prefix is optional)") String appId) {
        String id = appId.startsWith("app:") ? appId : "app:" + appId;
        AppInfo after = switch (action.toLowerCase(Locale.ROOT)) {
            case "start" -> registry.start(id);
            case "stop" -> registry.stop(id);
            case "reload", "restart" -> registry.reload(id);
            case "enable" -> registry.enable(id);
            case "disable" -> registry.disable(id);
            case "show", "info" -> registry.app(id).orElseThrow(() -> new IllegalArgumentException("no app '" + id + "'; known apps: "
                    + known(registry.apps())));
            default -> throw new IllegalArgumentException("unknown action '" + action + "'; " + USAGE);
        };
        return format(List.of(after)) + "\n" + details(after);
    }

    private static String known(List<AppInfo> apps) {
        return apps.isEmpty() ? "none" : String.join(", ", apps.stream().map(AppInfo::appId).toList());
    }

    static String details(AppInfo a) {
        return "enabled=" + a.enabled() + " quarantined=" + a.quarantined() + " starts=" + a.starts() + " failures="
                + a.failures() + " restarts=" + a.restarts() + " listeners=" + a.listeners() + " jobs=" + a.jobs()
                + " since=" + a.since()
                + (a.constraints().isEmpty() ? "" : "\nruns only while: " + String.join(", ", a.constraints()) + " (app-wide constraints)");
    }

    static String format(List<AppInfo> apps) {
        if (apps.isEmpty()) {
            return "no apps";
        }
        String[] head = { "APP", "BUNDLE", "STATUS", "LISTENERS", "JOBS", "REASON" };
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
        }
        List<String[]> rows = apps.stream().map(a -> new String[] { a.appId(), a.bundle() + " " + a.bundleVersion(),
                a.status().label() + (a.quarantined() ? " (quarantined)" : !a.enabled() ? " (disabled)" : ""),
                String.valueOf(a.listeners()), String.valueOf(a.jobs()), a.reason() == null ? "" : a.reason() }).toList();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].strip().length());
            }
        }
        StringBuilder sb = new StringBuilder(line(head, w));
        for (String[] r : rows) {
            sb.append('\n').append(line(r, w));
        }
        return sb.toString();
    }

    private static String line(String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i].strip();
            sb.append(i == cells.length - 1 ? c : String.format("%-" + w[i] + "s  ", c));
        }
        return sb.toString().stripTrailing();
    }
}
